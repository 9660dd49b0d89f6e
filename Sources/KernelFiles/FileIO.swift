#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SystemPackage

/// The one seam through which every file and directory under a `ProcRoot`
/// is touched. Production uses `.system`; tests replace one operation to
/// make it fail with a chosen errno, because as root `chmod 000` does not
/// make a file unreadable.
public struct FileIO: Sendable {
    /// open(2) read-only; the path is the full path.
    public var open: @Sendable (_ path: String) throws(Errno) -> FileDescriptor
    /// read(2) into the buffer, retrying on EINTR; 0 at end of file.
    public var read: @Sendable (_ fd: FileDescriptor, _ into: UnsafeMutableRawBufferPointer) throws(Errno) -> Int
    /// The names in a directory, without "." and "..".
    public var listDirectory: @Sendable (_ path: String) throws(Errno) -> [String]
    /// readlink(2): the target a symbolic link names, never followed.
    public var readLink: @Sendable (_ path: String) throws(Errno) -> String

    public init(
        open: @escaping @Sendable (String) throws(Errno) -> FileDescriptor,
        read: @escaping @Sendable (FileDescriptor, UnsafeMutableRawBufferPointer) throws(Errno) -> Int,
        listDirectory: @escaping @Sendable (String) throws(Errno) -> [String],
        readLink: @escaping @Sendable (String) throws(Errno) -> String
    ) {
        self.open = open
        self.read = read
        self.listDirectory = listDirectory
        self.readLink = readLink
    }

    public static let system = FileIO(
        open: { (path: String) throws(Errno) -> FileDescriptor in
            do {
                return try FileDescriptor.open(FilePath(path), .readOnly, options: [.closeOnExec])
            } catch let error as Errno { throw error } catch { throw Errno.ioError }
        },
        read: { (fd: FileDescriptor, buffer: UnsafeMutableRawBufferPointer) throws(Errno) -> Int in
            do { return try fd.read(into: buffer, retryOnInterrupt: true) } catch let error as Errno {
                throw error
            } catch { throw Errno.ioError }
        },
        listDirectory: systemListDirectory,
        readLink: systemReadLink
    )
}

@Sendable private func systemListDirectory(_ path: String) throws(Errno) -> [String] {
    guard let dir = opendir(path) else { throw Errno(rawValue: errno) }
    defer { closedir(dir) }
    var names: [String] = []
    while let entry = readdir(dir) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { raw -> String in
            let bytes = raw.prefix(while: { $0 != 0 })
            return String(decoding: bytes, as: UTF8.self)
        }
        if name != "." && name != ".." { names.append(name) }
    }
    return names
}

@Sendable private func systemReadLink(_ path: String) throws(Errno) -> String {
    var buffer = [UInt8](repeating: 0, count: 4096)
    let n = buffer.withUnsafeMutableBytes { raw in
        readlink(path, raw.baseAddress!.assumingMemoryBound(to: CChar.self), raw.count)
    }
    guard n >= 0 else { throw Errno(rawValue: errno) }
    return String(decoding: buffer[0..<n], as: UTF8.self)
}
