import Diagnosis
import KernelFiles
import Testing

@Suite struct JSONParserTests {
    @Test func parsesEveryKindOfValue() throws {
        let node = try JSONParser.parse(#"{"a": [1, -2.5e3, 0, true, false, null], "b": "x\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00", "c": {}}"#)
        #expect(node.member("a") == .array([.number(1), .number(-2500), .number(0), .bool(true), .bool(false), .null]))
        #expect(node.member("b")?.stringValue == "x\"\\/\u{08}\u{0C}\n\r\té😀")
        #expect(node.member("c") == .object([]))
        #expect(try JSONParser.parse("  [ ]\n") == .array([]))
        #expect(try JSONParser.parse("\"ünïcode\"") == .string("ünïcode"))
    }

    /// Each malformed input gives an error naming the line, never a trap.
    @Test(arguments: [
        ("", "empty document"),
        ("{", "object never closed"),
        ("{\"a\" 1}", "missing colon"),
        ("{\"a\": 1,}", "trailing comma in object"),
        ("[1, 2,]", "trailing comma in array"),
        ("[1 2]", "missing comma"),
        ("{a: 1}", "unquoted key"),
        ("\"abc", "string never closed"),
        ("\"a\nb\"", "raw newline in string"),
        ("\"\\x\"", "unknown escape"),
        ("\"\\u12\"", "short unicode escape"),
        ("\"\\ud800\"", "lone high surrogate"),
        ("\"\\udc00\"", "lone low surrogate"),
        ("\"\\ud800\\u0041\"", "high surrogate then non-surrogate"),
        ("01", "leading zero"),
        ("-", "minus alone"),
        ("1.", "no digit after point"),
        ("1e", "no digit in exponent"),
        ("1e999", "infinite number"),
        ("tru", "truncated literal"),
        ("nul", "truncated null"),
        ("[1] [2]", "two documents"),
        ("{\"a\": 1} x", "trailing garbage"),
    ])
    func malformedInputIsAnError(_ text: String, _ why: String) {
        #expect(throws: JSONParseError.self, "\(why)") { try JSONParser.parse(text) }
    }

    @Test func invalidUTF8InAStringIsAnError() {
        #expect(throws: JSONParseError.self) { try JSONParser.parse([0x22, 0xFF, 0xFE, 0x22]) }
        #expect(throws: JSONParseError.self) { try JSONParser.parse([0x22, 0xE2, 0x82, 0x22]) }  // truncated sequence
    }

    @Test func errorNamesTheLine() throws {
        do {
            _ = try JSONParser.parse("{\n  \"a\": 1,\n  \"b\" 2\n}")
            Issue.record("expected an error")
        } catch {
            #expect(error.line == 3)
            #expect(error.description.contains("line 3"))
        }
    }

    @Test func nestingIsBounded() throws {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONParseError.self) { try JSONParser.parse(deep) }
        let fine = String(repeating: "[", count: 60) + String(repeating: "]", count: 60)
        #expect(throws: Never.self) { try JSONParser.parse(fine) }
    }

    /// Fuzz: every truncation of the knowledge base, byte flips and random
    /// bytes give a value or an error, never a crash (deterministic seed).
    @Test func fuzzNeverTraps() throws {
        let valid = Array(#"{"id": "x", "n": [1, 2.5, -3e2], "s": "a\u00e9\n", "o": {"t": true, "f": null}}"#.utf8)
        for end in 0...valid.count { _ = try? JSONParser.parse(Array(valid[0..<end])) }
        var rng = SplitMix64(seed: 0x5EED)
        for _ in 0..<3000 {
            var bytes = valid
            for _ in 0..<(1 + Int(rng.next() % 4)) {
                let index = Int(rng.next() % UInt64(bytes.count))
                bytes[index] = UInt8(truncatingIfNeeded: rng.next())
            }
            _ = try? JSONParser.parse(bytes)
            let random = (0..<Int(rng.next() % 64)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            _ = try? JSONParser.parse(random)
        }
    }
}

/// A small deterministic generator, so a fuzz failure reproduces.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
