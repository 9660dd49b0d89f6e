import KernelFiles
import Testing
import TestSupport

@Suite struct ByteScannerTests {
    private func lines(_ text: String) -> [String] {
        let buffer = ReadBuffer()
        buffer.load(Array(text.utf8))
        return buffer.withBytes { bytes in ByteScanner(bytes).map { ByteField.string($0.bytes) } }
    }

    private func field(_ text: String, _ body: (Slice<UnsafeRawBufferPointer>) -> Void) {
        let buffer = ReadBuffer()
        buffer.load(Array(text.utf8))
        buffer.withBytes { body($0[...]) }
    }

    @Test func splitsLinesWithAndWithoutFinalNewline() {
        #expect(lines("a\nb\n") == ["a", "b"])
        #expect(lines("a\nb") == ["a", "b"])
        #expect(lines("") == [])
        #expect(lines("\n\n") == ["", ""])
    }

    @Test(arguments: [
        ("0", UInt64(0)), ("18446744073709551615", UInt64.max), ("007", UInt64(7)),
    ])
    func parsesUnsigned(_ text: String, _ value: UInt64) {
        field(text) { #expect(ByteField.uint64($0) == value) }
    }

    @Test(arguments: ["", "18446744073709551616", "-1", "1a", " 1", "+1"])
    func rejectsWhatIsNotAnUnsigned(_ text: String) {
        field(text) { #expect(ByteField.uint64($0) == nil) }
    }

    @Test func parsesSignedAndDecimal() {
        field("-42") { #expect(ByteField.int64($0) == -42) }
        field("-9223372036854775808") { #expect(ByteField.int64($0) == nil, "magnitude beyond Int64.max is refused") }
        field("0.25") { #expect(ByteField.decimal($0) == 0.25) }
        field("1.2.3") { #expect(ByteField.decimal($0) == nil) }
        field(".") { #expect(ByteField.decimal($0) == nil) }
    }

    @Test func fieldsSplitOnSpacesAndTabs() {
        field("  a\tbb   c  ") { line in
            let parts = Array(ByteLine(bytes: line, number: 1).fields).map(ByteField.string)
            #expect(parts == ["a", "bb", "c"])
        }
    }

    @Test func printableTextHidesControlBytesAndCuts() {
        field("ok\u{1b}[2J" + String(repeating: "x", count: 200)) { bytes in
            let text = ByteField.printable(bytes)
            #expect(text.hasPrefix("ok?[2J"))
            #expect(text.hasSuffix("..."))
            #expect(text.count == 123)
        }
    }
}

@Suite struct DecimalPrecisionTests {
    @Test(arguments: [("0.31", 0.31), ("12.50", 12.5), ("100", 100.0), ("0.00", 0.0)])
    func decimalsAreTheNearestDouble(_ text: String, _ value: Double) {
        let buffer = ReadBuffer()
        buffer.load(Array(text.utf8))
        buffer.withBytes { #expect(ByteField.decimal($0[...]) == value) }
    }
}
