/// `/proc/buddyinfo`: the buddy allocator's free blocks per order, per zone.
///
/// Format (unchanged since 2.6; mm/vmstat.c `frag_show_print`), one line per
/// populated zone, one column per order 0 ..< MAX_ORDER:
///
///     Node 0, zone      DMA      0      0      0      0      0      0      0      0      1      1      3
///     Node 0, zone   Normal   2892   1956   1367   1020    545    288    172     59     49     16     79
///
/// The number of orders is the kernel's MAX_ORDER (NR_PAGE_ORDERS since
/// 6.4): 11 on most x86_64 kernels, 13 or 14 on arm64 with 64 KiB pages and
/// on some configurations. It is read from the file, never assumed; every
/// line of one file must have the same number.
public struct Buddyinfo: Sendable, Equatable {
    /// One populated zone: free block counts, index = order.
    public struct Zone: Sendable, Equatable {
        public let node: Int
        /// The kernel's zone name: DMA, DMA32, Normal, HighMem, Movable, Device.
        public let zone: String
        /// `freeBlocks[order]` = number of free blocks of 2^order pages.
        public let freeBlocks: [UInt64]

        public init(node: Int, zone: String, freeBlocks: [UInt64]) {
            self.node = node
            self.zone = zone
            self.freeBlocks = freeBlocks
        }

        /// Free pages in the zone: Σ blocks × 2^order. The parser guarantees
        /// this cannot overflow (see `maximumPagesPerEntry`).
        public var freePages: UInt64 {
            var pages: UInt64 = 0
            for (order, blocks) in freeBlocks.enumerated() { pages += blocks << UInt64(order) }
            return pages
        }
    }

    public let zones: [Zone]

    /// The number of orders every line has (MAX_ORDER of the kernel that wrote it).
    public var orderCount: Int { zones.first?.freeBlocks.count ?? 0 }

    public init(zones: [Zone]) { self.zones = zones }

    /// No kernel has more orders than this; more columns mean a broken file.
    public static let maximumOrders = 32
    /// Pages one entry may stand for (2^40 pages is 4 PiB at 4 KiB pages):
    /// keeps every later sum, byte size (× a page of up to 64 KiB) and
    /// index (× 1000) inside 64 bits.
    public static let maximumPagesPerEntry: UInt64 = 1 << 40

    public static func parse(_ bytes: UnsafeRawBufferPointer, path: String) throws(ParseError) -> Buddyinfo {
        var zones: [Zone] = []
        for line in ByteScanner(bytes) where !line.isBlank {
            let (node, zone, rest) = try ZoneLinePrefix.parse(line, path: path, typeField: false)
            var cursor = rest
            var blocks: [UInt64] = []
            while let field = cursor.next() {
                guard let count = ByteField.uint64(field) else {
                    throw line.error(path, expected: "a decimal free block count for order \(blocks.count)")
                }
                guard blocks.count < maximumOrders else {
                    throw line.error(path, expected: "at most \(maximumOrders) orders")
                }
                guard count < maximumPagesPerEntry >> UInt64(blocks.count) else {
                    throw line.error(path, expected: "a free block count below 2^40 pages at order \(blocks.count)")
                }
                blocks.append(count)
            }
            guard !blocks.isEmpty else {
                throw line.error(path, expected: "free block counts after the zone name")
            }
            if let first = zones.first, first.freeBlocks.count != blocks.count {
                throw line.error(path, expected: "\(first.freeBlocks.count) orders like the first line, not \(blocks.count)")
            }
            zones.append(Zone(node: node, zone: zone, freeBlocks: blocks))
        }
        guard !zones.isEmpty else {
            throw ParseError(path: path, line: nil, text: nil, expected: "at least one \"Node N, zone NAME counts...\" line")
        }
        return Buddyinfo(zones: zones)
    }
}

/// The `Node 0, zone   Normal` (buddyinfo, pagetypeinfo's blocks table) or
/// `Node    0, zone   Normal, type    Movable` (pagetypeinfo's free table)
/// start of a line.
enum ZoneLinePrefix {
    static func parse(
        _ line: ByteLine, path: String, typeField: Bool
    ) throws(ParseError) -> (node: Int, zone: String, rest: FieldIterator) {
        let shape = typeField ? "\"Node N, zone NAME, type TYPE counts...\"" : "\"Node N, zone NAME counts...\""
        var cursor = line.fields
        guard let nodeWord = cursor.next(), ByteField.equals(nodeWord, "Node"),
              let nodeField = cursor.next(), nodeField.last == UInt8(ascii: ","),
              let node = ByteField.uint64(nodeField.dropLast()), node <= UInt64(Int32.max),
              let zoneWord = cursor.next(), ByteField.equals(zoneWord, "zone"),
              var zoneField = cursor.next()
        else { throw line.error(path, expected: shape) }
        if typeField {
            guard zoneField.count > 1, zoneField.last == UInt8(ascii: ",") else { throw line.error(path, expected: shape) }
            zoneField = zoneField.dropLast()
        }
        return (Int(node), ByteField.string(zoneField), cursor)
    }
}

extension ProcRoot {
    /// Reads `/proc/buddyinfo`.
    public func buddyinfo(buffer: ReadBuffer) throws(SourceError) -> Buddyinfo {
        try parse("proc/buddyinfo", with: buffer, Buddyinfo.parse)
    }
}
