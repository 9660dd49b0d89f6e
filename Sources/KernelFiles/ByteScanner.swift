/// Splits a kernel file's bytes into lines and a line into fields, without
/// allocating: every piece is a slice of the buffer the file was read into.
public struct ByteScanner: IteratorProtocol, Sequence {
    private let bytes: UnsafeRawBufferPointer
    private var position: Int
    private var lineNumber = 0

    public init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
        self.position = bytes.startIndex
    }

    /// The next line without its newline, or nil at the end. A last line
    /// without a newline is still a line; an empty file has none.
    public mutating func next() -> ByteLine? {
        guard position < bytes.endIndex else { return nil }
        let start = position
        var end = start
        while end < bytes.endIndex && bytes[end] != UInt8(ascii: "\n") { end += 1 }
        position = end < bytes.endIndex ? end + 1 : end
        lineNumber += 1
        return ByteLine(bytes: bytes[start..<end], number: lineNumber)
    }
}

/// One line of a kernel file and its 1-based number, for error messages.
public struct ByteLine {
    public let bytes: Slice<UnsafeRawBufferPointer>
    public let number: Int

    public init(bytes: Slice<UnsafeRawBufferPointer>, number: Int) {
        self.bytes = bytes
        self.number = number
    }

    public var isBlank: Bool { bytes.allSatisfy(ByteField.isSpace) }

    /// Whitespace-separated fields.
    public var fields: FieldIterator { FieldIterator(bytes) }

    /// The line as printable text for an error message: cut to 120 bytes,
    /// control and non-ASCII bytes shown as `?`, so binary garbage cannot
    /// mangle a terminal.
    public var text: String { ByteField.printable(bytes) }

    /// A `ParseError` for this line.
    public func error(_ path: String, expected: String) -> ParseError {
        ParseError(path: path, line: number, text: text, expected: expected)
    }
}

/// Yields the whitespace-separated fields of a line.
public struct FieldIterator: IteratorProtocol, Sequence {
    private let bytes: Slice<UnsafeRawBufferPointer>
    private var position: Int

    init(_ bytes: Slice<UnsafeRawBufferPointer>) {
        self.bytes = bytes
        self.position = bytes.startIndex
    }

    public mutating func next() -> Slice<UnsafeRawBufferPointer>? {
        while position < bytes.endIndex && ByteField.isSpace(bytes[position]) { position += 1 }
        guard position < bytes.endIndex else { return nil }
        let start = position
        while position < bytes.endIndex && !ByteField.isSpace(bytes[position]) { position += 1 }
        return bytes[start..<position]
    }

    /// Everything after the current position, trimmed: the rest of a line
    /// whose last field may hold spaces.
    public var rest: Slice<UnsafeRawBufferPointer> { ByteField.trimmed(bytes[position...]) }
}

/// Number and text conversions on byte slices, checked: nil instead of a
/// trap on anything that is not what was expected.
public enum ByteField {
    @inline(__always)
    public static func isSpace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
    }

    /// A decimal unsigned integer; nil for an empty field, any non-digit or
    /// a value above `UInt64.max`.
    public static func uint64(_ field: Slice<UnsafeRawBufferPointer>) -> UInt64? {
        guard !field.isEmpty else { return nil }
        var value: UInt64 = 0
        for byte in field {
            let digit = byte &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(UInt64(digit))
            guard !o1 && !o2 else { return nil }
            value = sum
        }
        return value
    }

    /// A decimal signed integer (some vmstat and zoneinfo counters go negative).
    public static func int64(_ field: Slice<UnsafeRawBufferPointer>) -> Int64? {
        guard let first = field.first else { return nil }
        if first == UInt8(ascii: "-") {
            guard let magnitude = uint64(field.dropFirst()), magnitude <= UInt64(Int64.max) else { return nil }
            return -Int64(magnitude)
        }
        guard let magnitude = uint64(field), magnitude <= UInt64(Int64.max) else { return nil }
        return Int64(magnitude)
    }

    /// A plain decimal fraction such as `0.25` or `12` (PSI averages).
    /// Digits are gathered as one integer and divided once by a power of
    /// ten, so `0.31` is the double nearest 0.31 (summing digit by digit
    /// would give 0.31000000000000005).
    public static func decimal(_ field: Slice<UnsafeRawBufferPointer>) -> Double? {
        guard !field.isEmpty else { return nil }
        var digitsValue: UInt64 = 0
        var fractionDigits = 0
        var seenDot = false
        var digits = 0
        for byte in field {
            if byte == UInt8(ascii: ".") {
                guard !seenDot else { return nil }
                seenDot = true
                continue
            }
            let digit = byte &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            digits += 1
            if seenDot { fractionDigits += 1 }
            let (times10, o1) = digitsValue.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(UInt64(digit))
            guard !o1 && !o2, fractionDigits <= 18 else { return nil }
            digitsValue = sum
        }
        guard digits > 0 else { return nil }
        var scale = 1.0
        for _ in 0..<fractionDigits { scale *= 10 }
        return Double(digitsValue) / scale
    }

    /// True when the field is exactly `literal`.
    public static func equals(_ field: Slice<UnsafeRawBufferPointer>, _ literal: StaticString) -> Bool {
        guard field.count == literal.utf8CodeUnitCount else { return false }
        return literal.withUTF8Buffer { literalBytes in
            var index = field.startIndex
            for byte in literalBytes {
                if field[index] != byte { return false }
                index += 1
            }
            return true
        }
    }

    /// True when the field begins with `literal`.
    public static func hasPrefix(_ field: Slice<UnsafeRawBufferPointer>, _ literal: StaticString) -> Bool {
        guard field.count >= literal.utf8CodeUnitCount else { return false }
        return equals(field[field.startIndex..<(field.startIndex + literal.utf8CodeUnitCount)], literal)
    }

    /// Splits at the first `separator`: (before, after), or nil when absent.
    public static func split(
        _ field: Slice<UnsafeRawBufferPointer>, at separator: UInt8
    ) -> (Slice<UnsafeRawBufferPointer>, Slice<UnsafeRawBufferPointer>)? {
        guard let index = field.firstIndex(of: separator) else { return nil }
        return (field[field.startIndex..<index], field[(index + 1)...])
    }

    public static func trimmed(_ field: Slice<UnsafeRawBufferPointer>) -> Slice<UnsafeRawBufferPointer> {
        var start = field.startIndex
        var end = field.endIndex
        while start < end && isSpace(field[start]) { start += 1 }
        while end > start && isSpace(field[end - 1]) { end -= 1 }
        return field[start..<end]
    }

    /// The bytes as a Swift string (invalid UTF-8 repaired).
    public static func string(_ field: Slice<UnsafeRawBufferPointer>) -> String {
        String(decoding: field, as: UTF8.self)
    }

    /// Printable ASCII for error messages, at most 120 bytes.
    public static func printable(_ field: Slice<UnsafeRawBufferPointer>) -> String {
        var scalars = String.UnicodeScalarView()
        for byte in field.prefix(120) {
            scalars.append(byte >= 0x20 && byte < 0x7f ? Unicode.Scalar(byte) : "?")
        }
        if field.count > 120 { scalars.append(contentsOf: "...".unicodeScalars) }
        return String(scalars)
    }

    /// `value` kB as bytes, or nil if that does not fit in 64 bits.
    public static func kilobytesToBytes(_ value: UInt64) -> UInt64? {
        let (bytes, overflow) = value.multipliedReportingOverflow(by: 1024)
        return overflow ? nil : bytes
    }
}
