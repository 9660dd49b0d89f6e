import KernelFiles
import SystemPackage

/// A `FileIO` that fails chosen paths with chosen errnos and passes the rest
/// to the real system: how tests reach "permission denied" and "EIO" as root.
public enum FaultyIO {
    /// Opening any path that ends with one of the keys fails with its errno.
    public static func failing(_ failures: [String: Errno]) -> FileIO {
        var io = FileIO.system
        let realOpen = io.open
        io.open = { (path: String) throws(Errno) -> FileDescriptor in
            for (suffix, errno) in failures where path.hasSuffix(suffix) { throw errno }
            return try realOpen(path)
        }
        let realList = io.listDirectory
        io.listDirectory = { (path: String) throws(Errno) -> [String] in
            for (suffix, errno) in failures where path.hasSuffix(suffix) { throw errno }
            return try realList(path)
        }
        return io
    }

    /// Every read(2) fails with `errno` (EIO: a file that breaks mid-read).
    public static func failingReads(_ errno: Errno = .ioError) -> FileIO {
        var io = FileIO.system
        io.read = { (_: FileDescriptor, _: UnsafeMutableRawBufferPointer) throws(Errno) -> Int in throw errno }
        return io
    }
}
