import KernelFiles
import MemoryModel

/// Addresses for people and for JSON: lower-case hex with `0x`. JSON gets
/// strings, not numbers, because many JSON readers (JavaScript, jq before
/// 1.7) hold numbers as doubles and would round `0xffffffffff600000`.
public enum AddressFormat {
    public static func hex(_ value: UInt64) -> String { "0x" + String(value, radix: 16) }

    /// `start-end` as the kernel prints it in maps (no `0x`, at least 8 digits).
    public static func range(_ start: UInt64, _ end: UInt64) -> String {
        padded(start) + "-" + padded(end)
    }

    static func padded(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return digits.count >= 8 ? digits : String(repeating: "0", count: 8 - digits.count) + digits
    }

    /// The common JSON fields of one mapping.
    static func mappingFields(_ entry: MapsEntry) -> [(String, JSONValue)] {
        [
            ("start", .string(hex(entry.start))), ("end", .string(hex(entry.end))),
            ("perms", .string(entry.permissions.description)), ("offset", .uint(entry.offset)),
            ("device", .string(String(entry.deviceMajor, radix: 16) + ":" + String(entry.deviceMinor, radix: 16))),
            ("inode", .uint(entry.inode)), ("path", .string(entry.path)), ("deleted", .bool(entry.isDeleted)),
        ]
    }

    /// A size for a table cell; "-" when the kernel did not print it.
    static func size(_ value: UInt64?) -> String { value.map { ByteFormatter.human($0) } ?? "-" }

    static func unavailable(_ entries: [Unavailable]) -> JSONValue {
        .array(entries.map { entry in
            .object([("source", .string(entry.source)), ("reason", .string(entry.reason)), ("remedy", .string(entry.remedy))])
        })
    }
}
