import KernelFiles
import MemoryModel

/// One applied action, as one line of the action log (`actions.jsonl`):
///
///     {"time":"2026-11-25T08:17:56.123Z","user":"root","action":"drop-caches",
///      "arguments":["--level","2"],"before":{…},"after":{…}}
///
/// `before` and `after` hold the figures the action changed (bytes, a
/// sysctl's value, a script's backup path), as JSON objects.
public struct ActionRecord: Sendable, Equatable {
    /// RFC 3339, UTC (`WallTime.rfc3339`).
    public var time: String
    public var user: String
    /// `drop-caches`, `cache-pressure`, `negative-dentries`, `nss-env`.
    public var action: String
    public var arguments: [String]
    public var before: [JSONNode.Member]
    public var after: [JSONNode.Member]

    public init(time: String, user: String, action: String, arguments: [String],
                before: [JSONNode.Member], after: [JSONNode.Member]) {
        self.time = time
        self.user = user
        self.action = action
        self.arguments = arguments
        self.before = before
        self.after = after
    }

    /// Seconds since the epoch; nil when the time does not parse.
    public var seconds: Int64? { WallTime(rfc3339: time)?.seconds }

    /// The line written to the log, without its newline.
    public var line: String {
        JSONLine.encode(.object([
            JSONNode.Member(key: "time", value: .string(time)),
            JSONNode.Member(key: "user", value: .string(user)),
            JSONNode.Member(key: "action", value: .string(action)),
            JSONNode.Member(key: "arguments", value: .array(arguments.map(JSONNode.string))),
            JSONNode.Member(key: "before", value: .object(before)),
            JSONNode.Member(key: "after", value: .object(after)),
        ]))
    }

    /// One log line back; nil for a line that is not a record (a torn last
    /// line after a crash, a hand edit): the log is read, never trusted.
    public init?(line: String) {
        guard let node = try? JSONParser.parse(line),
              let time = node.member("time")?.stringValue,
              let user = node.member("user")?.stringValue,
              let action = node.member("action")?.stringValue,
              let arguments = node.member("arguments")?.arrayValue
        else { return nil }
        self.time = time
        self.user = user
        self.action = action
        self.arguments = arguments.compactMap(\.stringValue)
        if case .object(let before)? = node.member("before") { self.before = before } else { self.before = [] }
        if case .object(let after)? = node.member("after") { self.after = after } else { self.after = [] }
    }

    /// A figure of `before` or `after` as a number.
    public static func number(_ key: String, in members: [JSONNode.Member]) -> Double? {
        guard case .number(let value)? = members.first(where: { $0.key == key })?.value else { return nil }
        return value
    }
}

/// Compact JSON text for a `JSONNode` (one line, keys in the given order).
public enum JSONLine {
    public static func encode(_ node: JSONNode) -> String {
        var out = ""
        write(node, to: &out)
        return out
    }

    private static func write(_ node: JSONNode, to out: inout String) {
        switch node {
        case .null: out += "null"
        case .bool(let value): out += value ? "true" : "false"
        case .number(let value):
            // Byte counts and sysctl values are integers: print them so.
            if value.isFinite, value == value.rounded(), abs(value) < 9.0e15 {
                out += String(Int64(value))
            } else if value.isFinite {
                out += String(value)
            } else {
                out += "null"
            }
        case .string(let text): JSONString.append(text, to: &out)
        case .array(let items):
            out += "["
            for (index, item) in items.enumerated() {
                if index > 0 { out += "," }
                write(item, to: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            for (index, member) in members.enumerated() {
                if index > 0 { out += "," }
                JSONString.append(member.key, to: &out)
                out += ":"
                write(member.value, to: &out)
            }
            out += "}"
        }
    }
}
