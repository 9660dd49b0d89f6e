import KernelFiles

/// A JSON document built in code and printed with keys in the order given.
///
/// memsleuth writes its own JSON instead of using Foundation's encoder for
/// two reasons: the one-shot views stay free of Foundation (start-up cost,
/// docs/PERFORMANCE.md), and CLI.md wants an unknown value printed as
/// `null` — synthesized `Encodable` leaves nil optionals out.
public indirect enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int64)
    case uint(UInt64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        lhs.rendered(pretty: false) == rhs.rendered(pretty: false)
    }

    /// A size or count the kernel may not have printed: `null` when nil.
    public static func uint(_ value: UInt64?) -> JSONValue { value.map(JSONValue.uint) ?? .null }
    public static func int(_ value: Int64?) -> JSONValue { value.map(JSONValue.int) ?? .null }
    public static func double(_ value: Double?) -> JSONValue { value.map(JSONValue.double) ?? .null }
    public static func string(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }

    /// The text, pretty-printed with two-space indentation by default,
    /// ending without a newline.
    public func rendered(pretty: Bool = true) -> String {
        var out = ""
        write(to: &out, indent: pretty ? 0 : -1)
        return out
    }

    private func write(to out: inout String, indent: Int) {
        switch self {
        case .null: out += "null"
        case .bool(let value): out += value ? "true" : "false"
        case .int(let value): out += String(value)
        case .uint(let value): out += String(value)
        case .double(let value):
            // JSON has no NaN or infinity: an undefined ratio is unknown.
            out += value.isFinite ? Self.number(value) : "null"
        case .string(let value): Self.writeString(value, to: &out)
        case .array(let items):
            writeContainer(open: "[", close: "]", count: items.count, to: &out, indent: indent) { index, out, inner in
                items[index].write(to: &out, indent: inner)
            }
        case .object(let members):
            writeContainer(open: "{", close: "}", count: members.count, to: &out, indent: indent) { index, out, inner in
                Self.writeString(members[index].0, to: &out)
                out += inner >= 0 ? ": " : ":"
                members[index].1.write(to: &out, indent: inner)
            }
        }
    }

    private func writeContainer(
        open: String, close: String, count: Int, to out: inout String, indent: Int,
        item: (Int, inout String, Int) -> Void
    ) {
        out += open
        guard count > 0 else { out += close; return }
        let inner = indent >= 0 ? indent + 2 : -1
        for index in 0..<count {
            if index > 0 { out += "," }
            if inner >= 0 { out += "\n" + String(repeating: " ", count: inner) }
            item(index, &out, inner)
        }
        if indent >= 0 { out += "\n" + String(repeating: " ", count: indent) }
        out += close
    }

    /// Whole numbers print without a fraction; others with Swift's shortest
    /// round-tripping form.
    private static func number(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }

    private static func writeString(_ value: String, to out: inout String) {
        JSONString.append(value, to: &out)
    }
}
