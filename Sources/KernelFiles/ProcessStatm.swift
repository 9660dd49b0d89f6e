/// `/proc/PID/statm`: the process's memory in pages, seven counts.
///
/// Format (every kernel since 2.6):
///
///     765 423 394 5 0 123 0
///     size resident shared text lib data dt
///
/// `shared` is the resident file-backed and shmem pages (`RssFile` +
/// `RssShmem` of status since 4.5; before 4.5 the kernel's file count, which
/// then included shmem) — what `top` shows as SHR. `lib` and `dt` are always
/// 0 since 2.6.
public struct ProcessStatm: Sendable, Equatable {
    public var sizePages: UInt64
    public var residentPages: UInt64
    public var sharedPages: UInt64
    public var textPages: UInt64
    public var libPages: UInt64
    public var dataPages: UInt64
    public var dirtyPages: UInt64

    public init(sizePages: UInt64, residentPages: UInt64, sharedPages: UInt64, textPages: UInt64,
                libPages: UInt64, dataPages: UInt64, dirtyPages: UInt64) {
        self.sizePages = sizePages
        self.residentPages = residentPages
        self.sharedPages = sharedPages
        self.textPages = textPages
        self.libPages = libPages
        self.dataPages = dataPages
        self.dirtyPages = dirtyPages
    }

    /// Parses `/proc/PID/statm`.
    public static func parse(_ bytes: UnsafeRawBufferPointer, path: String) throws(ParseError) -> ProcessStatm {
        var lines = ByteScanner(bytes)
        guard let line = lines.next(), !line.isBlank else {
            throw ParseError(path: path, line: nil, text: nil, expected: "one line of seven page counts")
        }
        var values: [UInt64] = []
        values.reserveCapacity(7)
        for field in line.fields {
            guard values.count < 7, let value = ByteField.uint64(field) else {
                throw line.error(path, expected: "seven decimal page counts")
            }
            values.append(value)
        }
        guard values.count == 7 else { throw line.error(path, expected: "seven decimal page counts") }
        return ProcessStatm(
            sizePages: values[0], residentPages: values[1], sharedPages: values[2], textPages: values[3],
            libPages: values[4], dataPages: values[5], dirtyPages: values[6])
    }
}

extension ProcRoot {
    /// Reads `/proc/PID/statm`.
    public func processStatm(_ pid: Int32, buffer: ReadBuffer) throws(SourceError) -> ProcessStatm {
        try parse("proc/\(pid)/statm", with: buffer, ProcessStatm.parse)
    }
}
