#if canImport(Glibc)
import Glibc
#endif
import KernelFiles
import SystemPackage

/// Writes a bundle directory (ARCHITECTURE.md, "The bundle format"): files
/// and symbolic links under `samples/NNNN/`, then `manifest.json`. Nothing
/// it writes follows a link (O_NOFOLLOW, O_EXCL), so a file name from the
/// captured host cannot make it write outside the bundle.
public final class BundleWriter {
    /// A write to the bundle failed (disk full, permissions): the capture stops.
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public let path: String
        public let errno: Errno
        public var description: String { "cannot write \(path): \(errno.description.lowercased())" }
    }

    public let directory: String
    /// Bytes of file content written so far.
    public private(set) var bytesWritten: UInt64 = 0
    private var createdDirectories: Set<String> = [""]

    /// Writes into `directory`, which must exist and should be empty.
    public init(directory: String) {
        var trimmed = directory
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed.removeLast() }
        self.directory = trimmed
    }

    private func full(_ relative: String) -> String { directory + "/" + relative }

    /// Creates `relative`'s parent directories (0755) as needed.
    private func makeParents(of relative: String) throws(Failure) {
        guard let slash = relative.lastIndex(of: "/") else { return }
        let parent = String(relative[..<slash])
        guard !createdDirectories.contains(parent) else { return }
        try makeParents(of: parent)
        if mkdir(full(parent), 0o755) != 0 && errno != EEXIST {
            throw Failure(path: full(parent), errno: Errno(rawValue: errno))
        }
        createdDirectories.insert(parent)
    }

    /// Writes a new regular file (0644) with `bytes`.
    public func write(_ relative: String, _ bytes: UnsafeRawBufferPointer) throws(Failure) {
        try makeParents(of: relative)
        let path = full(relative)
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw Failure(path: path, errno: Errno(rawValue: errno)) }
        defer { close(fd) }
        var offset = 0
        while offset < bytes.count {
            let n = Glibc.write(fd, bytes.baseAddress.map { $0 + offset }, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                throw Failure(path: path, errno: Errno(rawValue: errno))
            }
            offset += n
        }
        bytesWritten += UInt64(bytes.count)
    }

    public func write(_ relative: String, bytes: [UInt8]) throws(Failure) {
        let result = bytes.withUnsafeBytes { raw in Result { () throws(Failure) in try write(relative, raw) } }
        try result.get()
    }

    public func write(_ relative: String, text: String) throws(Failure) {
        try write(relative, bytes: Array(text.utf8))
    }

    /// A symbolic link at `relative` naming `target`, which is stored as
    /// given and never resolved.
    public func link(_ relative: String, to target: String) throws(Failure) {
        try makeParents(of: relative)
        let path = full(relative)
        guard symlink(target, path) == 0 else { throw Failure(path: path, errno: Errno(rawValue: errno)) }
    }

    /// Whether something (a file, directory or link) is already at `relative`.
    public func contains(_ relative: String) -> Bool {
        var info = stat()
        return lstat(full(relative), &info) == 0
    }

    /// Writes `manifest.json` last, so a bundle with a manifest is complete.
    public func writeManifest(_ manifest: BundleManifest) throws(Failure) {
        try write("manifest.json", text: manifest.rendered())
    }
}
