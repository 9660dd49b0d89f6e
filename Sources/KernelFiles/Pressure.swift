/// `/proc/pressure/{memory,io,cpu}`: pressure stall information (PSI).
///
/// Format (Linux 4.20+, with CONFIG_PSI and not booted with psi=0):
///
///     some avg10=0.00 avg60=0.00 avg300=0.00 total=0
///     full avg10=0.00 avg60=0.00 avg300=0.00 total=0
///
/// `avgN` are percentages of wall time over 10 s, 60 s and 300 s; `total`
/// is the cumulative stall in microseconds. `memory` and `io` have both
/// lines since 4.20; `cpu` has only `some` until 5.13 (then `full`, always
/// 0 system-wide). Before 4.20 the file does not exist: ENOENT, and the
/// source is unavailable.
public struct Pressure: Sendable, Equatable {
    /// One line: the share of time some (or all non-idle) tasks stalled.
    public struct Line: Sendable, Equatable {
        public let avg10: Double
        public let avg60: Double
        public let avg300: Double
        /// Cumulative stall time in microseconds.
        public let totalMicroseconds: UInt64

        public init(avg10: Double, avg60: Double, avg300: Double, totalMicroseconds: UInt64) {
            self.avg10 = avg10
            self.avg60 = avg60
            self.avg300 = avg300
            self.totalMicroseconds = totalMicroseconds
        }
    }

    public let some: Line
    /// nil when the kernel prints no `full` line (`cpu` before 5.13).
    public let full: Line?

    public init(some: Line, full: Line?) {
        self.some = some
        self.full = full
    }

    /// Parses one of the `/proc/pressure` files.
    public static func parse(_ bytes: UnsafeRawBufferPointer, path: String) throws(ParseError) -> Pressure {
        var some: Line?
        var full: Line?
        for line in ByteScanner(bytes) where !line.isBlank {
            var cursor = line.fields
            guard let kind = cursor.next() else { continue }
            let isSome = ByteField.equals(kind, "some")
            guard isSome || ByteField.equals(kind, "full") else {
                throw line.error(path, expected: "a line starting \"some\" or \"full\"")
            }
            guard (isSome ? some : full) == nil else {
                throw line.error(path, expected: "one \"\(isSome ? "some" : "full")\" line only")
            }
            let parsed = try parseLine(&cursor, line: line, path: path)
            if isSome { some = parsed } else { full = parsed }
        }
        guard let some else {
            throw ParseError(path: path, line: nil, text: nil, expected: "a \"some avg10=... total=...\" line")
        }
        return Pressure(some: some, full: full)
    }

    private static func parseLine(_ cursor: inout FieldIterator, line: ByteLine, path: String) throws(ParseError) -> Line {
        let expected = "\"avg10=X avg60=X avg300=X total=N\""
        guard let f10 = cursor.next(), let f60 = cursor.next(), let f300 = cursor.next(), let fTotal = cursor.next(),
            cursor.next() == nil,
            let (k10, v10) = ByteField.split(f10, at: UInt8(ascii: "=")), ByteField.equals(k10, "avg10"),
            let (k60, v60) = ByteField.split(f60, at: UInt8(ascii: "=")), ByteField.equals(k60, "avg60"),
            let (k300, v300) = ByteField.split(f300, at: UInt8(ascii: "=")), ByteField.equals(k300, "avg300"),
            let (kTotal, vTotal) = ByteField.split(fTotal, at: UInt8(ascii: "=")), ByteField.equals(kTotal, "total")
        else { throw line.error(path, expected: expected) }
        guard let avg10 = percentage(v10), let avg60 = percentage(v60),
            let avg300 = percentage(v300), avg10 <= 100, avg60 <= 100, avg300 <= 100
        else { throw line.error(path, expected: "averages as percentages (0.00 to 100.00)") }
        guard let total = ByteField.uint64(vTotal) else {
            throw line.error(path, expected: "a decimal total in microseconds below 2^64")
        }
        return Line(avg10: avg10, avg60: avg60, avg300: avg300, totalMicroseconds: total)
    }

    /// `12.34` (the kernel prints `%lu.%02lu`) as the Double nearest to it:
    /// the digits as one integer divided once by a power of ten, so 0.31
    /// reads as 0.31 and not 0.31000000000000005 (digit-by-digit sums drift).
    static func percentage(_ field: Slice<UnsafeRawBufferPointer>) -> Double? {
        let whole: Slice<UnsafeRawBufferPointer>
        var fraction: Slice<UnsafeRawBufferPointer> = field[field.endIndex...]
        if let (before, after) = ByteField.split(field, at: UInt8(ascii: ".")) {
            whole = before
            fraction = after
            guard !fraction.isEmpty, fraction.count <= 6 else { return nil }
        } else {
            whole = field
        }
        guard let integer = ByteField.uint64(whole), integer <= 1_000_000 else { return nil }
        var scale: UInt64 = 1
        var digits = integer
        if !fraction.isEmpty {
            guard let decimals = ByteField.uint64(fraction) else { return nil }
            for _ in 0..<fraction.count { scale *= 10 }
            digits = integer * scale + decimals
        }
        return Double(digits) / Double(scale)
    }
}

extension ProcRoot {
    /// Reads `/proc/pressure/memory`.
    public func memoryPressure(buffer: ReadBuffer) throws(SourceError) -> Pressure {
        try parse("proc/pressure/memory", with: buffer, Pressure.parse)
    }
}
