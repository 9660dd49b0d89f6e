import Synchronization
import SystemPackage

/// The files a gathering opened, relative to its root, in order: a snapshot
/// says what it read, and a benchmark can compare the collector's cost with
/// merely reading the same files.
///
/// A `FileIO` wrapper rather than bookkeeping in each reader, so that a
/// reader opening several files (the vm sysctls, per-cache sysfs) or trying
/// a fallback (a manifest two levels up) is logged exactly as it happened.
/// Only successful opens count: a file that is not there was not read.
public final class ReadLog: Sendable {
    private let prefix: String
    private let opened = Mutex<[String]>([])

    /// A log for reads through `root`, which names files relative to it.
    public init(for root: ProcRoot) { prefix = root.prefix + "/" }

    /// The relative paths opened, in order (a file opened twice is listed twice).
    public var files: [String] { opened.withLock { $0 } }

    fileprivate func note(_ path: String) {
        let relative = path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
        opened.withLock { $0.append(relative) }
    }
}

extension ProcRoot {
    /// This root, noting in `log` every file it opens.
    public func logging(into log: ReadLog) -> ProcRoot {
        var io = self.io
        let open = io.open
        io.open = { (path: String) throws(Errno) -> FileDescriptor in
            let fd = try open(path)
            log.note(path)
            return fd
        }
        return ProcRoot(isLive ? "/" : prefix, io: io)
    }
}
