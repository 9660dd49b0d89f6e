import MemoryModel

extension Unavailable {
    /// `{"source": "/proc/pagetypeinfo", "reason": "permission denied", "remedy": ...}` (CLI.md, partial data).
    public var json: JSONValue {
        .object([("source", .string(source)), ("reason", .string(reason)), ("remedy", .string(remedy))])
    }

    /// `/proc/pagetypeinfo: permission denied (pagetypeinfo is root-only ...)` for a text view's footer.
    public var line: String {
        source + ": " + reason + (remedy.map { " (" + $0 + ")" } ?? "")
    }
}
