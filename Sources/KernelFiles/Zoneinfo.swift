/// `/proc/zoneinfo`: per node and zone, free pages, watermarks, sizes and
/// the zone's vm counters.
///
/// Before Linux 4.8 (2.6.32, 3.10) every counter is per zone and printed
/// after the sizes:
///
///     Node 0, zone      DMA
///       pages free     3933
///             min      7
///             low      8
///             high     10
///             scanned  0
///             spanned  4080
///             present  3840
///             managed  3840          (since 3.8)
///         nr_free_pages 3933
///         nr_inactive_anon 0
///             protection: (0, 3000, 4010, 4010)
///       pagesets
///         cpu: 0
///                   count: 0
///       all_unreclaimable: 0
///       start_pfn:         16
///
/// Since 4.8 node-level counters moved to `pgdat` and are printed once per
/// node, in the block of its first populated zone, before `pages free`;
/// `protection:` moved up among the sizes and zone counters are named
/// `nr_zone_*`:
///
///     Node 0, zone      DMA
///       per-node stats
///           nr_inactive_anon 635
///       pages free     3840
///             boost    0          (since 5.1)
///             min      51
///             ...
///             protection: (0, 3019, 4939, 4939, 4939)
///           nr_free_pages 3840
///       pagesets
///       ...
///       node_unreclaimable:  0
///       start_pfn:           1
///
/// Unpopulated zones stop after `protection:` on newer kernels.
public struct Zoneinfo: Sendable, Equatable {
    /// A `name value` counter line; counters are signed in the kernel.
    public struct Counter: Sendable, Equatable {
        public let name: String
        public let value: Int64
    }

    public struct Zone: Sendable, Equatable {
        public let node: Int
        public let zone: String
        /// `pages free`, in pages.
        public var freePages: UInt64?
        public var minPages: UInt64?
        public var lowPages: UInt64?
        public var highPages: UInt64?
        public var spannedPages: UInt64?
        public var presentPages: UInt64?
        /// `managed` (since 3.8); nil before.
        public var managedPages: UInt64?
        /// `protection: (...)` — lowmem_reserve, in pages, one per zone of the node.
        public var protection: [UInt64]?
        /// The zone's counters (`nr_free_pages`, `nr_zone_*`, `numa_*` …), in file order.
        public var counters: [Counter] = []
        public var startPfn: UInt64?

        public init(node: Int, zone: String) {
            self.node = node
            self.zone = zone
        }

        public subscript(counter name: String) -> Int64? {
            for counter in counters where counter.name == name { return counter.value }
            return nil
        }
    }

    /// A node's `per-node stats` block (4.8+).
    public struct NodeStats: Sendable, Equatable {
        public let node: Int
        public var counters: [Counter]
    }

    public let zones: [Zone]
    /// Empty before Linux 4.8.
    public let nodeStats: [NodeStats]

    public init(zones: [Zone], nodeStats: [NodeStats]) {
        self.zones = zones
        self.nodeStats = nodeStats
    }

    /// Where in a zone's block a line is.
    private enum Part { case nodeStats, zone, pagesets }

    public static func parse(_ bytes: UnsafeRawBufferPointer, path: String) throws(ParseError) -> Zoneinfo {
        var zones: [Zone] = []
        var nodeStats: [NodeStats] = []
        var part = Part.zone
        for line in ByteScanner(bytes) where !line.isBlank {
            var cursor = line.fields
            guard let first = cursor.next() else { continue }
            if ByteField.equals(first, "Node") {
                let (node, zone, rest) = try ZoneLinePrefix.parse(line, path: path, typeField: false)
                var after = rest
                guard after.next() == nil else { throw line.error(path, expected: "\"Node N, zone NAME\" and nothing after") }
                zones.append(Zone(node: node, zone: zone))
                part = .zone
                continue
            }
            guard !zones.isEmpty else { throw line.error(path, expected: "a \"Node N, zone NAME\" line first") }
            let index = zones.count - 1
            if ByteField.equals(first, "per-node") {
                part = .nodeStats
                nodeStats.append(NodeStats(node: zones[index].node, counters: []))
                continue
            }
            if ByteField.equals(first, "pagesets") { part = .pagesets; continue }
            if ByteField.equals(first, "pages") {
                guard let free = cursor.next(), ByteField.equals(free, "free"), let valueField = cursor.next(),
                      let value = ByteField.uint64(valueField), cursor.next() == nil
                else { throw line.error(path, expected: "\"pages free N\"") }
                zones[index].freePages = value
                part = .zone
                continue
            }
            if ByteField.equals(first, "protection:") {
                zones[index].protection = try protection(line, cursor: cursor, path: path)
                continue
            }
            if part == .pagesets {
                // Per-CPU lists ("cpu: 0", "count: 12", "vm stats threshold: 4") are
                // skipped; the tail of the zone ("start_pfn: 1") is kept.
                if ByteField.equals(first, "start_pfn:") {
                    guard let valueField = cursor.next(), let value = ByteField.uint64(valueField) else {
                        throw line.error(path, expected: "\"start_pfn: N\"")
                    }
                    zones[index].startPfn = value
                }
                continue
            }
            // "name value": a size, a watermark or a counter.
            guard let valueField = cursor.next(), cursor.next() == nil, let value = counterValue(valueField) else {
                throw line.error(path, expected: "\"name value\" with a decimal value")
            }
            let name = ByteField.string(first)
            if part == .nodeStats {
                nodeStats[nodeStats.count - 1].counters.append(Counter(name: name, value: value))
                continue
            }
            let pages = value < 0 ? nil : UInt64(value)
            switch name {
            case "min": zones[index].minPages = pages
            case "low": zones[index].lowPages = pages
            case "high": zones[index].highPages = pages
            case "spanned": zones[index].spannedPages = pages
            case "present": zones[index].presentPages = pages
            case "managed": zones[index].managedPages = pages
            default: zones[index].counters.append(Counter(name: name, value: value))
            }
        }
        guard !zones.isEmpty else {
            throw ParseError(path: path, line: nil, text: nil, expected: "at least one \"Node N, zone NAME\" block")
        }
        return Zoneinfo(zones: zones, nodeStats: nodeStats)
    }

    /// A counter as the kernel holds it: signed. `%lu` of a negative per-CPU
    /// drift prints a huge unsigned number; its bit pattern is the value.
    private static func counterValue(_ field: Slice<UnsafeRawBufferPointer>) -> Int64? {
        if let signed = ByteField.int64(field) { return signed }
        return ByteField.uint64(field).map { Int64(bitPattern: $0) }
    }

    /// `protection: (0, 3019, 4939, 4939, 4939)`
    private static func protection(_ line: ByteLine, cursor: FieldIterator, path: String) throws(ParseError) -> [UInt64] {
        var cursor = cursor
        var values: [UInt64] = []
        var closed = false
        while let field = cursor.next() {
            guard !closed else { throw line.error(path, expected: "nothing after \")\"") }
            var digits = field
            if values.isEmpty {
                guard digits.first == UInt8(ascii: "(") else { throw line.error(path, expected: "\"protection: (N, N, ...)\"") }
                digits = digits.dropFirst()
            }
            if digits.last == UInt8(ascii: ")") { digits = digits.dropLast(); closed = true }
            else if digits.last == UInt8(ascii: ",") { digits = digits.dropLast() }
            else { throw line.error(path, expected: "\"protection: (N, N, ...)\"") }
            guard let value = ByteField.uint64(digits) else {
                throw line.error(path, expected: "decimal page counts in \"protection: (N, N, ...)\"")
            }
            values.append(value)
        }
        guard closed else { throw line.error(path, expected: "\"protection: (N, N, ...)\" closed by \")\"") }
        return values
    }
}

extension ProcRoot {
    /// Reads `/proc/zoneinfo`.
    public func zoneinfo(buffer: ReadBuffer) throws(SourceError) -> Zoneinfo {
        try parse("proc/zoneinfo", with: buffer, Zoneinfo.parse)
    }
}
