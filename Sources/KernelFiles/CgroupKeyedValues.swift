/// The "flat keyed" shape of cgroup files: one `name value` pair per line,
/// as `memory.stat`, `memory.events` and `cgroup.stat` print it
/// (Documentation/admin-guide/cgroup-v2.rst, "Interface Files"; the v1
/// `memory.stat` and `memory.oom_control` use the same shape).
///
///     anon 1531904
///     nr_dying_descendants 0
///
/// Every pair is kept in the kernel's order: keys come and go by release
/// and a reader asks for the ones it knows by name.
public struct CgroupKeyedValues: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public let name: String
        public let value: UInt64

        public init(name: String, value: UInt64) {
            self.name = name
            self.value = value
        }
    }

    public let entries: [Entry]

    public init(entries: [Entry]) { self.entries = entries }

    /// The value of `name`, nil when this kernel did not print it.
    public subscript(name: String) -> UInt64? {
        for entry in entries where entry.name == name { return entry.value }
        return nil
    }

    /// Parses `name value` lines. An empty file is an error: every
    /// flat-keyed cgroup file the kernel writes has at least one line.
    public static func parse(_ bytes: UnsafeRawBufferPointer, path: String) throws(ParseError) -> CgroupKeyedValues {
        var entries: [Entry] = []
        entries.reserveCapacity(64)
        for line in ByteScanner(bytes) where !line.isBlank {
            var fields = line.fields
            guard let name = fields.next(), let valueField = fields.next() else {
                throw line.error(path, expected: "\"name value\"")
            }
            guard let value = ByteField.uint64(valueField) else {
                throw line.error(path, expected: "a decimal value below 2^64 after \"\(ByteField.printable(name))\"")
            }
            guard fields.next() == nil else { throw line.error(path, expected: "\"name value\" and nothing after") }
            guard name.allSatisfy(isKeyByte) else {
                throw line.error(path, expected: "a key of letters, digits and \"_\"")
            }
            entries.append(Entry(name: ByteField.string(name), value: value))
        }
        guard !entries.isEmpty else {
            throw ParseError(path: path, line: nil, text: nil, expected: "at least one \"name value\" line")
        }
        return CgroupKeyedValues(entries: entries)
    }

    /// Keys are C identifiers in every kernel; anything else is garbage.
    private static func isKeyByte(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "_")
    }
}
