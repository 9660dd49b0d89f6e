#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SystemPackage

/// The directory that stands for `/` when reading kernel files: `/` on the
/// live host, a captured bundle's sample directory, or a test fixture.
/// Every read in memsleuth goes through one, so every command also works
/// on a capture from another host.
public struct ProcRoot: Sendable {
    /// The root directory, without a trailing slash ("" for the live `/`).
    public let prefix: String
    public let io: FileIO

    public init(_ directory: String = "/", io: FileIO = .system) {
        var trimmed = directory
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        self.prefix = trimmed
        self.io = io
    }

    /// True when this is the running host's own `/`.
    public var isLive: Bool { prefix.isEmpty }

    /// The full path of a file given relative to the root ("proc/meminfo").
    public func path(_ relative: String) -> String {
        prefix + "/" + relative
    }

    /// Reads a whole file into `buffer`, replacing what it held.
    ///
    /// The size `stat` reports is not trusted (0 or 4096 for /proc files):
    /// read(2) is called until it returns 0.
    public func read(_ relative: String, into buffer: ReadBuffer) throws(ReadError) {
        let fullPath = path(relative)
        let fd: FileDescriptor
        do { fd = try io.open(fullPath) } catch { throw ReadError(path: fullPath, errno: error) }
        defer { try? fd.close() }
        buffer.reset()
        while true {
            guard let space = buffer.spaceForMore() else {
                throw ReadError(path: fullPath, errno: .fileTooLarge)
            }
            let n: Int
            do { n = try io.read(fd, space) } catch { throw ReadError(path: fullPath, errno: error) }
            if n == 0 { return }
            buffer.didRead(n)
        }
    }

    /// Reads and parses one file: the shape every `ProcRoot` reader method takes.
    public func parse<T>(
        _ relative: String, with buffer: ReadBuffer,
        _ parser: (UnsafeRawBufferPointer, String) throws(ParseError) -> T
    ) throws(SourceError) -> T {
        do { try read(relative, into: buffer) } catch { throw .read(error) }
        let fullPath = path(relative)
        do { return try buffer.withBytes { (bytes) throws(ParseError) -> T in try parser(bytes, fullPath) } } catch {
            throw .parse(error)
        }
    }

    /// The entries of a directory, sorted by name so output is stable.
    public func list(_ relative: String) throws(ReadError) -> [String] {
        let fullPath = path(relative)
        do { return try io.listDirectory(fullPath).sorted() } catch { throw ReadError(path: fullPath, errno: error) }
    }

    /// The target of a symbolic link (`/proc/PID/exe`), read and never followed.
    public func readLink(_ relative: String) throws(ReadError) -> String {
        let fullPath = path(relative)
        do { return try io.readLink(fullPath) } catch { throw ReadError(path: fullPath, errno: error) }
    }

    /// Whether a file or directory exists under the root.
    public func exists(_ relative: String) -> Bool {
        access(path(relative), F_OK) == 0
    }
}
