import SystemPackage

/// A file under a `ProcRoot` could not be read: which file, and the errno the
/// kernel gave. The user-facing line (with the remedy) is built at the edge.
public struct ReadError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The full path that was read, root prefix included, so that a message
    /// about a bundle names the bundle's file.
    public let path: String
    public let errno: Errno

    public init(path: String, errno: Errno) {
        self.path = path
        self.errno = errno
    }

    /// True when the kernel says "there is nothing here" rather than "no":
    /// the file or process does not exist (ENOENT), the process went away
    /// mid-read or is a kernel thread (ESRCH), or even root may not read it
    /// (EACCES on `/proc/1/smaps_rollup` in some sandboxes). Callers treat
    /// these as "no data" for per-process files.
    public var isNoData: Bool {
        errno == .noSuchFileOrDirectory || errno == .noSuchProcess
    }

    public var isPermissionDenied: Bool {
        errno == .permissionDenied || errno == .notPermitted
    }

    /// The reason in the words `strerror` would use, lower-case, as CLI.md's
    /// error lines quote it ("permission denied").
    /// The reason of a file that does not exist (this kernel lacks it, or
    /// the process has gone): views compare against it.
    public static let missingReason = "no such file"

    public var reason: String {
        switch errno {
        case .permissionDenied, .notPermitted: return "permission denied"
        case .noSuchFileOrDirectory: return Self.missingReason
        case .noSuchProcess: return "the process has exited"
        case .ioError: return "I/O error"
        case .isDirectory: return "is a directory"
        case .notDirectory: return "a path component is not a directory"
        default: return errno.description.lowercased()
        }
    }

    public var description: String { "cannot read \(path): \(reason)" }
}
