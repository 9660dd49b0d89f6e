import SystemPackage

extension ProcRoot {
    /// Reads up to `count` bytes at `offset` of one file: pread(2), for the
    /// binary per-page files (`/proc/PID/pagemap`, `/proc/kpageflags`) where
    /// reading the whole file is neither possible nor wanted.
    ///
    /// Opens through the `FileIO` seam (so tests can make it fail), then
    /// reads with `FileDescriptor.read(fromAbsoluteOffset:)`, retrying on
    /// EINTR. Returns the bytes read: fewer than `count` at end of file.
    public func readBytes(_ relative: String, at offset: UInt64, count: Int) throws(ReadError) -> [UInt8] {
        let fullPath = path(relative)
        guard offset <= UInt64(Int64.max), count >= 0 else { throw ReadError(path: fullPath, errno: .invalidArgument) }
        let fd: FileDescriptor
        do { fd = try io.open(fullPath) } catch { throw ReadError(path: fullPath, errno: error) }
        defer { try? fd.close() }
        var bytes = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let n: Int
            do {
                n = try bytes.withUnsafeMutableBytes { raw in
                    try fd.read(
                        fromAbsoluteOffset: Int64(offset) + Int64(filled),
                        into: UnsafeMutableRawBufferPointer(rebasing: raw[filled...]),
                        retryOnInterrupt: true)
                }
            } catch let error as Errno {
                throw ReadError(path: fullPath, errno: error)
            } catch {
                throw ReadError(path: fullPath, errno: .ioError)
            }
            if n == 0 { break }
            filled += n
        }
        return Array(bytes[0..<filled])
    }

    /// One little-endian 64-bit word at `offset` (the entry of a per-page
    /// file); a short read is reported as a `ParseError` naming the offset.
    public func readWord(_ relative: String, at offset: UInt64) throws(SourceError) -> UInt64 {
        let bytes: [UInt8]
        do { bytes = try readBytes(relative, at: offset, count: 8) } catch { throw .read(error) }
        guard bytes.count == 8 else {
            throw .parse(ParseError(
                path: path(relative), line: nil, text: nil,
                expected: "an 8-byte entry at offset \(offset) (got \(bytes.count) bytes: past the end)"))
        }
        var word: UInt64 = 0
        for (index, byte) in bytes.enumerated() { word |= UInt64(byte) << (8 * UInt64(index)) }
        return word
    }
}
