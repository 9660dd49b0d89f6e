#if canImport(Glibc)
import Glibc
#endif
import SystemPackage

/// Every write `fix` makes goes through one of these, so that tests can
/// fail a write with a chosen errno (EROFS, EACCES: as root a read-only
/// file cannot be faked with chmod) and record which paths were written.
public struct SystemWrites: Sendable {
    public enum Mode: Sendable, Equatable {
        /// An existing file, truncated (a sysctl: `echo 2 > file`).
        case overwrite
        /// Appended, created 0644 if missing (the action log).
        case append
        /// A new file that must not exist yet (a temporary or a backup).
        case createNew
    }

    public var write: @Sendable (_ path: String, _ bytes: [UInt8], _ mode: Mode) throws(Errno) -> Void
    /// rename(2): atomically replaces `to`.
    public var rename: @Sendable (_ from: String, _ to: String) throws(Errno) -> Void
    /// chmod and chown to the given mode, owner and group.
    public var setAttributes: @Sendable (_ path: String, _ mode: UInt32, _ uid: UInt32, _ gid: UInt32) throws(Errno) -> Void
    public var remove: @Sendable (_ path: String) -> Void
    /// sync(2): dirty pages to disk before caches are dropped.
    public var sync: @Sendable () -> Void

    public init(write: @escaping @Sendable (String, [UInt8], Mode) throws(Errno) -> Void,
                rename: @escaping @Sendable (String, String) throws(Errno) -> Void,
                setAttributes: @escaping @Sendable (String, UInt32, UInt32, UInt32) throws(Errno) -> Void,
                remove: @escaping @Sendable (String) -> Void,
                sync: @escaping @Sendable () -> Void) {
        self.write = write
        self.rename = rename
        self.setAttributes = setAttributes
        self.remove = remove
        self.sync = sync
    }

    public static let system = SystemWrites(
        write: { (path: String, bytes: [UInt8], mode: Mode) throws(Errno) in
            let options: FileDescriptor.OpenOptions
            switch mode {
            case .overwrite: options = [.truncate, .closeOnExec]
            case .append: options = [.append, .create, .closeOnExec]
            case .createNew: options = [.create, .exclusiveCreate, .closeOnExec]
            }
            let fd: FileDescriptor
            do {
                fd = try FileDescriptor.open(FilePath(path), .writeOnly, options: options,
                                             permissions: FilePermissions(rawValue: 0o644))
            } catch let error as Errno { throw error } catch { throw Errno.ioError }
            do {
                // A sysctl takes its value in one write(2); writeAll loops only
                // on a short write, which /proc does not do.
                _ = try fd.writeAll(bytes)
                if mode != .overwrite { _ = fsync(fd.rawValue) }
                try fd.close()
            } catch let error as Errno {
                try? fd.close()
                throw error
            } catch {
                try? fd.close()
                throw Errno.ioError
            }
        },
        rename: { (from: String, to: String) throws(Errno) in
            if Glibc.rename(from, to) != 0 { throw Errno(rawValue: errno) }
        },
        setAttributes: { (path: String, mode: UInt32, uid: UInt32, gid: UInt32) throws(Errno) in
            if chown(path, uid, gid) != 0 { throw Errno(rawValue: errno) }
            if chmod(path, mode_t(mode)) != 0 { throw Errno(rawValue: errno) }
        },
        remove: { path in _ = unlink(path) },
        sync: { Glibc.sync() })
}

/// A write that failed: the path and errno, told as one line with what to do.
public struct WriteFailure: Error, Sendable, Equatable {
    public var path: String
    public var errno: Errno

    public init(path: String, errno: Errno) {
        self.path = path
        self.errno = errno
    }

    public var message: String {
        switch errno {
        case .readOnlyFileSystem:
            let what = path.hasPrefix("/proc/sys/")
                ? "/proc/sys is mounted read-only, as in most containers: run this on the host or in a privileged container"
                : "that file system is mounted read-only"
            return "cannot write \(path): read-only file system (\(what))"
        case .permissionDenied, .notPermitted:
            return "cannot write \(path): \(errno == .notPermitted ? "operation not permitted" : "permission denied") "
                + "(needs root: run with sudo; in a container also CAP_SYS_ADMIN)"
        case .noSuchFileOrDirectory:
            return "cannot write \(path): no such file (this kernel does not have it)"
        default:
            return "cannot write \(path): \(errno.description)"
        }
    }
}
