/// `/sys/devices/system/node/nodeN/numastat`: where a node's page
/// allocations were satisfied. Counts of pages, not bytes.
///
/// Format (unchanged since 2.6; drivers/base/node.c `node_read_numastat`):
///
///     numa_hit 5423813
///     numa_miss 0
///     numa_foreign 0
///     interleave_hit 1125
///     local_node 5423813
///     other_node 0
public struct Numastat: Sendable, Equatable {
    public struct Field: Sendable, Equatable {
        public let name: String
        public let value: UInt64
    }

    /// Every line, in the kernel's order.
    public let fields: [Field]

    public init(fields: [Field]) { self.fields = fields }

    public subscript(name: String) -> UInt64? {
        for field in fields where field.name == name { return field.value }
        return nil
    }

    public var numaHit: UInt64? { self["numa_hit"] }
    public var numaMiss: UInt64? { self["numa_miss"] }
    public var numaForeign: UInt64? { self["numa_foreign"] }
    public var interleaveHit: UInt64? { self["interleave_hit"] }
    public var localNode: UInt64? { self["local_node"] }
    public var otherNode: UInt64? { self["other_node"] }

    public static func parse(_ bytes: UnsafeRawBufferPointer, path: String) throws(ParseError) -> Numastat {
        var fields: [Field] = []
        for line in ByteScanner(bytes) where !line.isBlank {
            var cursor = line.fields
            guard let name = cursor.next(), let valueField = cursor.next(), cursor.next() == nil,
                  name.allSatisfy({ $0 == UInt8(ascii: "_") || ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z")) })
            else { throw line.error(path, expected: "\"name value\" such as \"numa_hit 123\"") }
            guard let value = ByteField.uint64(valueField) else {
                throw line.error(path, expected: "a decimal page count after \"\(ByteField.string(name))\"")
            }
            fields.append(Field(name: ByteField.string(name), value: value))
        }
        guard !fields.isEmpty else {
            throw ParseError(path: path, line: nil, text: nil, expected: "at least one \"numa_hit N\"-style line")
        }
        return Numastat(fields: fields)
    }
}

extension ProcRoot {
    /// The NUMA nodes the kernel lists: `sys/devices/system/node/node<N>`
    /// directories, by number (as numastat's `node_and_digits` filter).
    /// Throws ENOENT on a kernel built without CONFIG_NUMA or without sysfs.
    public func numaNodes() throws(ReadError) -> [Int] {
        var nodes: [Int] = []
        for name in try list("sys/devices/system/node") {
            let digits = name.utf8.dropFirst(4)
            guard name.hasPrefix("node"), !digits.isEmpty, digits.count <= 9,
                  digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
                  let node = Int(Substring(digits))
            else { continue }
            nodes.append(node)
        }
        return nodes.sorted()
    }

    /// Reads `sys/devices/system/node/node<N>/meminfo` (`Node N MemTotal: ... kB`).
    public func nodeMeminfo(_ node: Int, buffer: ReadBuffer) throws(SourceError) -> Meminfo {
        try parse("sys/devices/system/node/node\(node)/meminfo", with: buffer, Meminfo.parse)
    }

    /// Reads `sys/devices/system/node/node<N>/numastat`.
    public func nodeNumastat(_ node: Int, buffer: ReadBuffer) throws(SourceError) -> Numastat {
        try parse("sys/devices/system/node/node\(node)/numastat", with: buffer, Numastat.parse)
    }
}
