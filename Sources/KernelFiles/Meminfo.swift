/// `/proc/meminfo`: the kernel's system-wide memory accounting.
///
/// Format (every kernel since 2.6; fields come and go by release and config):
///
///     MemTotal:       24594812 kB
///     MemAvailable:   24031664 kB      (since 3.14)
///     HugePages_Total:       0         (a count: no unit)
///
/// Per-node files (`/sys/devices/system/node/nodeN/meminfo`) have the same
/// lines behind a `Node N ` prefix; `Meminfo.parse` accepts both.
public struct Meminfo: Sendable, Equatable {
    /// One line: the kernel's name, the value (bytes for a `kB` line, a
    /// plain count otherwise) and which of the two it is.
    public struct Field: Sendable, Equatable {
        public let name: String
        public let value: UInt64
        public let isBytes: Bool

        public init(name: String, value: UInt64, isBytes: Bool) {
            self.name = name
            self.value = value
            self.isBytes = isBytes
        }
    }

    /// Every field in the kernel's order.
    public let fields: [Field]

    public init(fields: [Field]) { self.fields = fields }

    /// The value of a field by its kernel name, nil when this kernel does
    /// not print it.
    public subscript(name: String) -> UInt64? {
        for field in fields where field.name == name { return field.value }
        return nil
    }

    public var memTotal: UInt64? { self["MemTotal"] }
    public var memFree: UInt64? { self["MemFree"] }
    public var memAvailable: UInt64? { self["MemAvailable"] }
    public var buffers: UInt64? { self["Buffers"] }
    public var cached: UInt64? { self["Cached"] }
    public var shmem: UInt64? { self["Shmem"] }
    public var slab: UInt64? { self["Slab"] }
    public var sReclaimable: UInt64? { self["SReclaimable"] }
    public var sUnreclaim: UInt64? { self["SUnreclaim"] }
    public var swapTotal: UInt64? { self["SwapTotal"] }
    public var swapFree: UInt64? { self["SwapFree"] }

    /// Parses `/proc/meminfo` or a node's `meminfo`.
    public static func parse(_ bytes: UnsafeRawBufferPointer, path: String) throws(ParseError) -> Meminfo {
        var fields: [Field] = []
        fields.reserveCapacity(64)
        for line in ByteScanner(bytes) where !line.isBlank {
            var cursor = line.fields
            guard var nameField = cursor.next() else { continue }
            if ByteField.equals(nameField, "Node") {
                // "Node 0 MemTotal: ..." in a per-node file.
                guard let node = cursor.next(), ByteField.uint64(node) != nil, let next = cursor.next() else {
                    throw line.error(path, expected: "\"Node N Name: value [kB]\"")
                }
                nameField = next
            }
            guard nameField.count > 1, nameField.last == UInt8(ascii: ":") else {
                throw line.error(path, expected: "\"Name: value [kB]\"")
            }
            let name = ByteField.string(nameField.dropLast())
            guard let valueField = cursor.next(), let value = ByteField.uint64(valueField) else {
                throw line.error(path, expected: "a decimal value after \"\(name):\"")
            }
            let unit = cursor.next()
            guard cursor.next() == nil else {
                throw line.error(path, expected: "\"Name: value [kB]\" and nothing after")
            }
            if let unit {
                guard ByteField.equals(unit, "kB") else { throw line.error(path, expected: "the unit \"kB\"") }
                guard let bytes = ByteField.kilobytesToBytes(value) else {
                    throw line.error(path, expected: "a size below 16 EiB")
                }
                fields.append(Field(name: name, value: bytes, isBytes: true))
            } else {
                fields.append(Field(name: name, value: value, isBytes: false))
            }
        }
        guard !fields.isEmpty else {
            throw ParseError(path: path, line: nil, text: nil, expected: "at least one \"Name: value kB\" line")
        }
        return Meminfo(fields: fields)
    }
}

extension ProcRoot {
    /// Reads `/proc/meminfo`.
    public func meminfo(buffer: ReadBuffer) throws(SourceError) -> Meminfo {
        try parse("proc/meminfo", with: buffer, Meminfo.parse)
    }
}
