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

extension FaultyIO {
    /// Opening a path ending with `suffix` opens `replacement` instead
    /// (/dev/zero: a file that never ends).
    public static func replacing(_ suffix: String, with replacement: String) -> FileIO {
        var io = FileIO.system
        let realOpen = io.open
        io.open = { (path: String) throws(Errno) -> FileDescriptor in
            try realOpen(path.hasSuffix(suffix) ? replacement : path)
        }
        return io
    }

    /// Each read(2) of any file returns at most `chunk` bytes, and between
    /// the first read and the next `appended` is added to the file's end:
    /// a file that grows while it is read.
    public static func growing(appending appended: [UInt8], chunk: Int) -> FileIO {
        var io = FileIO.system
        let realRead = io.read
        let reads = ReadCounter()
        io.read = { (fd: FileDescriptor, buffer: UnsafeMutableRawBufferPointer) throws(Errno) -> Int in
            let n = try realRead(fd, UnsafeMutableRawBufferPointer(rebasing: buffer.prefix(chunk)))
            if n == 0 && reads.take() {
                let count = min(appended.count, buffer.count)
                appended.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: count) }
                return count
            }
            return n
        }
        return io
    }
}

/// True the first time only (the growth happens once).
final class ReadCounter: @unchecked Sendable {
    private var done = false
    func take() -> Bool { defer { done = true }; return !done }
}
