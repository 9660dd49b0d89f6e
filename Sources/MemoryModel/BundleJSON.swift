/// The few JSON values a bundle manifest holds, read by a small
/// recursive-descent parser: the manifest is the only JSON memsleuth reads
/// on the view path, and a general parser (or Foundation) would cost every
/// one-shot view at start-up. Bounds-checked throughout; nesting is capped
/// so a hostile manifest cannot exhaust the stack.
enum BundleJSON: Equatable {
    case object([(String, BundleJSON)])
    case array([BundleJSON])
    case string(String)
    /// Kept as text: the manifest only needs unsigned integers, read on demand.
    case number(String)
    case bool(Bool)
    case null

    static func == (lhs: BundleJSON, rhs: BundleJSON) -> Bool {
        switch (lhs, rhs) {
        case (.object(let a), .object(let b)): return a.map(\.0) == b.map(\.0) && a.map(\.1) == b.map(\.1)
        case (.array(let a), .array(let b)): return a == b
        case (.string(let a), .string(let b)), (.number(let a), .number(let b)): return a == b
        case (.bool(let a), .bool(let b)): return a == b
        case (.null, .null): return true
        default: return false
        }
    }

    /// The first value of `key` in an object; nil for anything else.
    subscript(key: String) -> BundleJSON? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.0 == key }?.1
    }

    var string: String? { if case .string(let text) = self { return text } else { return nil } }

    var unsigned: UInt64? { if case .number(let text) = self { return UInt64(text) } else { return nil } }

    /// Where and why the text is not JSON.
    struct SyntaxError: Error, Equatable {
        let offset: Int
        let expected: String
    }

    static let maximumDepth = 32

    static func parse(_ bytes: UnsafeRawBufferPointer) throws(SyntaxError) -> BundleJSON {
        var reader = Reader(bytes: bytes)
        let value = try reader.value(depth: 0)
        reader.skipSpace()
        guard reader.index == bytes.endIndex else { throw SyntaxError(offset: reader.index, expected: "end of document") }
        return value
    }

    private struct Reader {
        let bytes: UnsafeRawBufferPointer
        var index = 0

        init(bytes: UnsafeRawBufferPointer) {
            self.bytes = bytes
            index = bytes.startIndex
        }

        var current: UInt8? { index < bytes.endIndex ? bytes[index] : nil }

        mutating func skipSpace() {
            while let byte = current, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { index += 1 }
        }

        func fail(_ expected: String) -> SyntaxError { SyntaxError(offset: index, expected: expected) }

        mutating func expect(_ literal: String) throws(SyntaxError) {
            for byte in literal.utf8 {
                guard current == byte else { throw fail("\"\(literal)\"") }
                index += 1
            }
        }

        mutating func value(depth: Int) throws(SyntaxError) -> BundleJSON {
            guard depth < BundleJSON.maximumDepth else { throw fail("at most \(BundleJSON.maximumDepth) levels of nesting") }
            skipSpace()
            switch current {
            case UInt8(ascii: "{"): return try object(depth: depth)
            case UInt8(ascii: "["): return try array(depth: depth)
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): try expect("true"); return .bool(true)
            case UInt8(ascii: "f"): try expect("false"); return .bool(false)
            case UInt8(ascii: "n"): try expect("null"); return .null
            case let byte? where byte == UInt8(ascii: "-") || byte &- UInt8(ascii: "0") < 10: return try number()
            default: throw fail("a value")
            }
        }

        mutating func object(depth: Int) throws(SyntaxError) -> BundleJSON {
            index += 1
            var members: [(String, BundleJSON)] = []
            skipSpace()
            if current == UInt8(ascii: "}") { index += 1; return .object(members) }
            while true {
                skipSpace()
                guard current == UInt8(ascii: "\"") else { throw fail("a key in quotes") }
                let key = try string()
                skipSpace()
                try expect(":")
                members.append((key, try value(depth: depth + 1)))
                skipSpace()
                if current == UInt8(ascii: ",") { index += 1; continue }
                try expect("}")
                return .object(members)
            }
        }

        mutating func array(depth: Int) throws(SyntaxError) -> BundleJSON {
            index += 1
            var elements: [BundleJSON] = []
            skipSpace()
            if current == UInt8(ascii: "]") { index += 1; return .array(elements) }
            while true {
                elements.append(try value(depth: depth + 1))
                skipSpace()
                if current == UInt8(ascii: ",") { index += 1; continue }
                try expect("]")
                return .array(elements)
            }
        }

        mutating func number() throws(SyntaxError) -> BundleJSON {
            let start = index
            while let byte = current,
                  byte &- UInt8(ascii: "0") < 10 || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+")
                    || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
                index += 1
            }
            return .number(String(decoding: bytes[start..<index], as: UTF8.self))
        }

        /// A quoted string with its escapes resolved (\uXXXX within the BMP;
        /// surrogate pairs combined, a lone surrogate becomes U+FFFD).
        mutating func string() throws(SyntaxError) -> String {
            index += 1
            var scalars = String.UnicodeScalarView()
            var run = index
            func flush(_ end: Int) {
                scalars.append(contentsOf: String(decoding: bytes[run..<end], as: UTF8.self).unicodeScalars)
            }
            while true {
                guard let byte = current else { throw fail("a closing quote") }
                if byte == UInt8(ascii: "\"") {
                    flush(index)
                    index += 1
                    return String(scalars)
                }
                guard byte >= 0x20 else { throw fail("no control characters in a string") }
                guard byte == UInt8(ascii: "\\") else { index += 1; continue }
                flush(index)
                index += 1
                guard let escape = current else { throw fail("an escape") }
                index += 1
                switch escape {
                case UInt8(ascii: "\""): scalars.append("\"")
                case UInt8(ascii: "\\"): scalars.append("\\")
                case UInt8(ascii: "/"): scalars.append("/")
                case UInt8(ascii: "b"): scalars.append("\u{08}")
                case UInt8(ascii: "f"): scalars.append("\u{0C}")
                case UInt8(ascii: "n"): scalars.append("\n")
                case UInt8(ascii: "r"): scalars.append("\r")
                case UInt8(ascii: "t"): scalars.append("\t")
                case UInt8(ascii: "u"):
                    var code = try hex4()
                    if code >= 0xD800 && code < 0xDC00, current == UInt8(ascii: "\\"),
                       index + 1 < bytes.endIndex, bytes[index + 1] == UInt8(ascii: "u") {
                        index += 2
                        let low = try hex4()
                        code = low >= 0xDC00 && low < 0xE000 ? 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00) : 0xFFFD
                    }
                    scalars.append(Unicode.Scalar(code) ?? "\u{FFFD}")
                default: throw fail("a valid escape")
                }
                run = index
            }
        }

        mutating func hex4() throws(SyntaxError) -> UInt32 {
            var code: UInt32 = 0
            for _ in 0..<4 {
                guard let byte = current else { throw fail("four hex digits") }
                let digit: UInt8
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
                default: throw fail("four hex digits")
                }
                code = code << 4 | UInt32(digit)
                index += 1
            }
            return code
        }
    }

    /// `text` as a JSON string literal, quotes included.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
