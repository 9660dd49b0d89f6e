/// `/proc/sys/fs/file-nr`: open file handles.
///
///     1568	0	9223372036854775807
///     allocated unused max
///
/// `unused` has been 0 since Linux 2.6 (freed handles are returned to the
/// slab at once); `max` is `fs/file-max` (LONG_MAX on 64-bit kernels since 5.x
/// unless set).
public struct FileNr: Sendable, Equatable {
    public let allocated: UInt64
    public let unused: UInt64
    public let max: UInt64

    public init(allocated: UInt64, unused: UInt64, max: UInt64) {
        self.allocated = allocated
        self.unused = unused
        self.max = max
    }

    public static func parse(_ bytes: UnsafeRawBufferPointer, path: String) throws(ParseError) -> FileNr {
        let values = try IntegerLine.parse(bytes, path: path, count: 3, names: "allocated unused max")
        return FileNr(allocated: values[0], unused: values[1], max: values[2])
    }
}

extension ProcRoot {
    /// Reads `/proc/sys/fs/file-nr`.
    public func fileNr(buffer: ReadBuffer) throws(SourceError) -> FileNr {
        try parse("proc/sys/fs/file-nr", with: buffer, FileNr.parse)
    }
}
