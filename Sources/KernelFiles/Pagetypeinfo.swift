/// `/proc/pagetypeinfo`: free blocks per migrate type and order, and page
/// blocks per migrate type, per zone. Root-only (mode 0400) since Linux 5.6:
/// EACCES as an ordinary user is normal, not an error of the host.
///
/// Format (mm/vmstat.c `pagetypeinfo_show*`; 2.6.24 onwards):
///
///     Page block order: 9
///     Pages per block:  512
///
///     Free pages count per migrate type at order       0      1 ...     10
///     Node    0, zone      DMA, type    Unmovable      0      0 ...      0
///     Node    0, zone   Normal, type      Movable   2468   1295 ... >100000
///
///     Number of blocks type     Unmovable      Movable  Reclaimable   HighAtomic      Isolate
///     Node 0, zone      DMA            1            7            0            0            0
///
/// Since 5.7 a count the kernel stopped walking at is printed `>100000`:
/// kept as a lower bound. Type names vary by release and config (Reserve
/// until 3.x, HighAtomic since 4.4, CMA with CONFIG_CMA). With
/// CONFIG_PAGE_OWNER a third table, `Number of mixed blocks`, follows.
public struct Pagetypeinfo: Sendable, Equatable {
    /// A free-list length; `isLowerBound` when printed as `>100000`.
    public struct Count: Sendable, Equatable {
        public let value: UInt64
        public let isLowerBound: Bool

        public init(_ value: UInt64, isLowerBound: Bool = false) {
            self.value = value
            self.isLowerBound = isLowerBound
        }
    }

    /// One `Node N, zone Z, type T` row: free blocks per order (index = order).
    public struct FreeRow: Sendable, Equatable {
        public let node: Int
        public let zone: String
        public let type: String
        public let freeBlocks: [Count]
    }

    /// One `Node N, zone Z` row of a blocks table: page blocks per type, in
    /// the order of `blockTypes`.
    public struct BlocksRow: Sendable, Equatable {
        public let node: Int
        public let zone: String
        public let blocks: [UInt64]
    }

    /// `Page block order:` — a page block is 2^pageBlockOrder pages.
    public let pageBlockOrder: UInt64
    public let pagesPerBlock: UInt64
    public let free: [FreeRow]
    /// The type names heading the `Number of blocks type` table.
    public let blockTypes: [String]
    public let blocks: [BlocksRow]
    /// `Number of mixed blocks` (CONFIG_PAGE_OWNER); nil when not printed.
    public let mixedBlocks: [BlocksRow]?

    public init(pageBlockOrder: UInt64, pagesPerBlock: UInt64, free: [FreeRow], blockTypes: [String],
                blocks: [BlocksRow], mixedBlocks: [BlocksRow]?) {
        self.pageBlockOrder = pageBlockOrder
        self.pagesPerBlock = pagesPerBlock
        self.free = free
        self.blockTypes = blockTypes
        self.blocks = blocks
        self.mixedBlocks = mixedBlocks
    }

    private enum Section { case header, free, blocks, mixed }

    public static func parse(_ bytes: UnsafeRawBufferPointer, path: String) throws(ParseError) -> Pagetypeinfo {
        var pageBlockOrder: UInt64?
        var pagesPerBlock: UInt64?
        var orders = 0
        var free: [FreeRow] = []
        var blockTypes: [String] = []
        var blocks: [BlocksRow] = []
        var mixed: [BlocksRow]?
        var section = Section.header
        for line in ByteScanner(bytes) where !line.isBlank {
            var cursor = line.fields
            guard let first = cursor.next() else { continue }
            if ByteField.equals(first, "Page") || ByteField.equals(first, "Pages") {
                // "Page block order: 9" / "Pages per block:  512"
                let isOrder = ByteField.equals(first, "Page")
                guard let a = cursor.next(), let b = cursor.next(),
                      ByteField.equals(a, isOrder ? "block" : "per"), ByteField.equals(b, isOrder ? "order:" : "block:"),
                      let valueField = cursor.next(), let value = ByteField.uint64(valueField), cursor.next() == nil
                else { throw line.error(path, expected: "\"Page block order: N\" or \"Pages per block: N\"") }
                if isOrder { pageBlockOrder = value } else { pagesPerBlock = value }
            } else if ByteField.equals(first, "Free") {
                // "Free pages count per migrate type at order 0 1 2 ..."
                var expectedOrder: UInt64 = 0
                var sawAt = false
                while let field = cursor.next() {
                    if !sawAt { sawAt = ByteField.equals(field, "order"); continue }
                    guard ByteField.uint64(field) == expectedOrder else {
                        throw line.error(path, expected: "order numbers 0, 1, 2, ... in the header")
                    }
                    expectedOrder += 1
                }
                guard expectedOrder > 0, expectedOrder <= UInt64(Buddyinfo.maximumOrders) else {
                    throw line.error(path, expected: "between 1 and \(Buddyinfo.maximumOrders) orders in the header")
                }
                orders = Int(expectedOrder)
                section = .free
            } else if ByteField.equals(first, "Number") {
                // "Number of blocks type  Unmovable ..." / "Number of mixed blocks  Unmovable ..."
                guard let of = cursor.next(), ByteField.equals(of, "of"), let kind = cursor.next(),
                      let fourth = cursor.next() else {
                    throw line.error(path, expected: "\"Number of blocks type TYPE...\"")
                }
                let isMixed = ByteField.equals(kind, "mixed")
                guard isMixed ? ByteField.equals(fourth, "blocks") : (ByteField.equals(kind, "blocks") && ByteField.equals(fourth, "type"))
                else { throw line.error(path, expected: "\"Number of blocks type TYPE...\"") }
                var types: [String] = []
                while let field = cursor.next() { types.append(ByteField.string(field)) }
                guard !types.isEmpty else { throw line.error(path, expected: "migrate type names after \"Number of blocks type\"") }
                if isMixed {
                    guard types == blockTypes else { throw line.error(path, expected: "the same types as the blocks table") }
                    mixed = []
                    section = .mixed
                } else {
                    blockTypes = types
                    section = .blocks
                }
            } else if ByteField.equals(first, "Node") {
                switch section {
                case .header:
                    throw line.error(path, expected: "a table header before the first \"Node\" row")
                case .free:
                    free.append(try freeRow(line, path: path, orders: orders))
                case .blocks, .mixed:
                    let row = try blocksRow(line, path: path, types: blockTypes.count)
                    if section == .blocks { blocks.append(row) } else { mixed?.append(row) }
                }
            } else {
                throw line.error(path, expected: "a pagetypeinfo header or \"Node N, zone NAME\" row")
            }
        }
        guard let pageBlockOrder, let pagesPerBlock else {
            throw ParseError(path: path, line: nil, text: nil, expected: "\"Page block order:\" and \"Pages per block:\" lines")
        }
        guard !free.isEmpty else {
            throw ParseError(path: path, line: nil, text: nil, expected: "a \"Free pages count per migrate type\" table with rows")
        }
        return Pagetypeinfo(pageBlockOrder: pageBlockOrder, pagesPerBlock: pagesPerBlock, free: free,
                            blockTypes: blockTypes, blocks: blocks, mixedBlocks: mixed)
    }

    private static func freeRow(_ line: ByteLine, path: String, orders: Int) throws(ParseError) -> FreeRow {
        let (node, zone, rest) = try ZoneLinePrefix.parse(line, path: path, typeField: true)
        var cursor = rest
        guard let typeWord = cursor.next(), ByteField.equals(typeWord, "type"), let typeName = cursor.next() else {
            throw line.error(path, expected: "\"Node N, zone NAME, type TYPE counts...\"")
        }
        var counts: [Count] = []
        while let field = cursor.next() {
            let lowerBound = field.first == UInt8(ascii: ">")
            guard let value = ByteField.uint64(lowerBound ? field.dropFirst() : field) else {
                throw line.error(path, expected: "a decimal count (or \">N\") for order \(counts.count)")
            }
            counts.append(Count(value, isLowerBound: lowerBound))
        }
        guard counts.count == orders else {
            throw line.error(path, expected: "\(orders) counts as the header has orders, not \(counts.count)")
        }
        return FreeRow(node: node, zone: zone, type: ByteField.string(typeName), freeBlocks: counts)
    }

    private static func blocksRow(_ line: ByteLine, path: String, types: Int) throws(ParseError) -> BlocksRow {
        let (node, zone, rest) = try ZoneLinePrefix.parse(line, path: path, typeField: false)
        var cursor = rest
        var counts: [UInt64] = []
        while let field = cursor.next() {
            guard let value = ByteField.uint64(field) else {
                throw line.error(path, expected: "a decimal page block count")
            }
            counts.append(value)
        }
        guard counts.count == types else {
            throw line.error(path, expected: "\(types) page block counts, one per type in the header, not \(counts.count)")
        }
        return BlocksRow(node: node, zone: zone, blocks: counts)
    }
}

extension ProcRoot {
    /// Reads `/proc/pagetypeinfo` (root-only since Linux 5.6).
    public func pagetypeinfo(buffer: ReadBuffer) throws(SourceError) -> Pagetypeinfo {
        try parse("proc/pagetypeinfo", with: buffer, Pagetypeinfo.parse)
    }
}
