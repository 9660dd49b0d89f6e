/// `/proc/PID/numa_maps`: per mapping, its NUMA policy and where its pages are.
///
/// Format (2.6.14+; `kernelpagesize_kB` 2.6.29+; needs CONFIG_NUMA):
///
///     55d4c8e00000 default file=/usr/bin/sleep mapped=2 active=0 N0=2 kernelpagesize_kB=4
///     55d4ca0f1000 default heap anon=3 dirty=3 active=0 N0=3 kernelpagesize_kB=4
///     7ffd3a5e0000 bind:0-1 stack anon=4 dirty=4 N0=4 kernelpagesize_kB=4
///
/// The kernel escapes blanks and `=` in `file=` as octal (`\040`), so every
/// token is one field. Page counts stay counts.
public struct NumaMaps: Sendable, Equatable {
    public let mappings: [Mapping]

    public init(mappings: [Mapping]) { self.mappings = mappings }

    public struct Mapping: Sendable, Equatable {
        public var start: UInt64
        /// `default`, `bind:0-1`, `interleave:0-3`, `prefer:1`, `local` …
        public var policy: String
        public var file: String?
        /// Bare flags: `heap`, `stack`, `huge`.
        public var flags: [String] = []
        public var anonPages: UInt64?
        public var dirtyPages: UInt64?
        public var mappedPages: UInt64?
        public var mapMax: UInt64?
        public var swapCachePages: UInt64?
        public var activePages: UInt64?
        public var writebackPages: UInt64?
        /// Pages per node (`N0=…`), in file order.
        public var nodePages: [NodePages] = []
        public var kernelPageSize: UInt64?
        /// Any other `key=value` token, kept as text.
        public var other: [KeyValue] = []

        public init(start: UInt64, policy: String) {
            self.start = start
            self.policy = policy
        }
    }

    public struct NodePages: Sendable, Equatable {
        public var node: Int
        public var pages: UInt64
        public init(node: Int, pages: UInt64) { self.node = node; self.pages = pages }
    }

    public struct KeyValue: Sendable, Equatable {
        public var key: String
        public var value: String
        public init(key: String, value: String) { self.key = key; self.value = value }
    }

    public static func parse(_ bytes: UnsafeRawBufferPointer, path: String) throws(ParseError) -> NumaMaps {
        var mappings: [Mapping] = []
        for line in ByteScanner(bytes) where !line.isBlank {
            var cursor = line.fields
            guard let addressField = cursor.next(), let start = ByteField.hexUInt64(addressField) else {
                throw line.error(path, expected: "a hex start address")
            }
            guard let policyField = cursor.next(), !policyField.contains(UInt8(ascii: "=")) else {
                throw line.error(path, expected: "a memory policy after the address")
            }
            var mapping = Mapping(start: start, policy: ByteField.string(policyField))
            while let token = cursor.next() {
                guard let (key, value) = ByteField.split(token, at: UInt8(ascii: "=")) else {
                    mapping.flags.append(ByteField.string(token))
                    continue
                }
                if ByteField.equals(key, "file") {
                    mapping.file = unescapeOctal(value)
                    continue
                }
                let isNode = key.first == UInt8(ascii: "N") && ByteField.uint64(key.dropFirst()) != nil
                let counter: WritableKeyPath<Mapping, UInt64?>?
                switch true {
                case ByteField.equals(key, "anon"): counter = \.anonPages
                case ByteField.equals(key, "dirty"): counter = \.dirtyPages
                case ByteField.equals(key, "mapped"): counter = \.mappedPages
                case ByteField.equals(key, "mapmax"): counter = \.mapMax
                case ByteField.equals(key, "swapcache"): counter = \.swapCachePages
                case ByteField.equals(key, "active"): counter = \.activePages
                case ByteField.equals(key, "writeback"): counter = \.writebackPages
                case ByteField.equals(key, "kernelpagesize_kB"): counter = \.kernelPageSize
                default: counter = nil
                }
                guard counter != nil || isNode else {
                    // A token this parser does not know: kept as text.
                    mapping.other.append(KeyValue(key: ByteField.string(key), value: ByteField.string(value)))
                    continue
                }
                guard let number = ByteField.uint64(value) else {
                    throw line.error(path, expected: "a decimal count after \"\(ByteField.printable(key))=\"")
                }
                if isNode {
                    guard let node = ByteField.uint64(key.dropFirst()), node <= UInt64(Int32.max) else {
                        throw line.error(path, expected: "a node number after N")
                    }
                    mapping.nodePages.append(NodePages(node: Int(node), pages: number))
                } else if let counter {
                    if counter == \Mapping.kernelPageSize {
                        guard let bytes = ByteField.kilobytesToBytes(number) else {
                            throw line.error(path, expected: "a page size below 16 EiB")
                        }
                        mapping.kernelPageSize = bytes
                    } else {
                        mapping[keyPath: counter] = number
                    }
                }
            }
            mappings.append(mapping)
        }
        return NumaMaps(mappings: mappings)
    }
}

/// Undoes the kernel's `seq_file_path` escaping (`\\040` for a space).
func unescapeOctal(_ field: Slice<UnsafeRawBufferPointer>) -> String {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(field.count)
    var index = field.startIndex
    while index < field.endIndex {
        let byte = field[index]
        if byte == UInt8(ascii: "\\"), index + 3 < field.endIndex {
            let digits = field[(index + 1)...(index + 3)]
            if digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "7") }) {
                let value = digits.reduce(0) { ($0 << 3) | Int($1 - UInt8(ascii: "0")) }
                if value <= 0xff {
                    bytes.append(UInt8(value))
                    index += 4
                    continue
                }
            }
        }
        bytes.append(byte)
        index += 1
    }
    return String(decoding: bytes, as: UTF8.self)
}

extension ProcRoot {
    /// Reads `/proc/PID/numa_maps` (ENOENT on a kernel without CONFIG_NUMA).
    public func numaMaps(pid: Int32, buffer: ReadBuffer) throws(SourceError) -> NumaMaps {
        try parse("proc/\(pid)/numa_maps", with: buffer, NumaMaps.parse)
    }
}
