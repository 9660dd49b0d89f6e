import KernelFiles

/// Free memory per zone and order as the buddy allocator holds it, in blocks,
/// pages and bytes, with the kernel's two fragmentation measures per order.
///
/// Both measures are computed exactly as mm/vmstat.c computes them for
/// debugfs `extfrag/unusable_index` and `extfrag/extfrag_index` (Linux 2.6.35+,
/// CONFIG_DEBUG_FS and CONFIG_COMPACTION), from the same counts buddyinfo
/// prints (`zone->free_area[order].nr_free`):
///
///     fill_contig_page_info(zone, suitable_order):
///         free_pages           = Σ_order nr_free[order] << order
///         free_blocks_total    = Σ_order nr_free[order]
///         free_blocks_suitable = Σ_{order ≥ suitable} nr_free[order] << (order − suitable)
///
///     unusable_free_index(order) =
///         free_pages == 0 ? 1000
///         : (free_pages − (free_blocks_suitable << order)) × 1000 / free_pages      (integer division)
///
///     __fragmentation_index(order) =
///         free_blocks_total == 0 ? 0
///         : free_blocks_suitable != 0 ? −1000                   (the allocation would succeed)
///         : 1000 − (1000 + free_pages × 1000 / 2^order) / free_blocks_total
///
/// Both are thousandths, printed `"%d.%03d", index / 1000, index % 1000`.
public struct BuddyTable: Sendable, Equatable {
    public struct Zone: Sendable, Equatable {
        public let node: Int
        public let zone: String
        /// Free blocks per order (index = order), as buddyinfo printed them.
        public let freeBlocks: [UInt64]
        /// Free pages per order: blocks × 2^order.
        public let freePagesPerOrder: [UInt64]
        /// Bytes per order: pages × page size; nil when the page size is unknown.
        public let freeBytesPerOrder: [UInt64]?
        public let freePages: UInt64
        public let freeBytes: UInt64?
        /// `unusable_free_index` per order, in thousandths (0 … 1000).
        public let unusableIndex: [Int]
        /// `__fragmentation_index` per order, in thousandths (−1000 when a
        /// block of that order is free).
        public let fragmentationIndex: [Int]
    }

    /// nil when the page size could not be established: sizes are then unknown.
    public let pageSize: UInt64?
    public let orderCount: Int
    public let zones: [Zone]

    public init(_ buddyinfo: Buddyinfo, pageSize: UInt64?) {
        self.pageSize = pageSize
        self.orderCount = buddyinfo.orderCount
        self.zones = buddyinfo.zones.map { zone in
            let blocks = zone.freeBlocks
            // The parser keeps each entry below 2^40 pages: no overflow below.
            let pages = blocks.enumerated().map { order, count in count << UInt64(order) }
            let bytes = pageSize.flatMap { size in BuddyTable.multiply(pages, by: size) }
            let totalPages = pages.reduce(0, +)
            return Zone(
                node: zone.node, zone: zone.zone, freeBlocks: blocks,
                freePagesPerOrder: pages, freeBytesPerOrder: bytes, freePages: totalPages,
                freeBytes: pageSize.flatMap { BuddyTable.multiply([totalPages], by: $0)?.first },
                unusableIndex: blocks.indices.map { BuddyTable.unusableFreeIndex(order: $0, freeBlocks: blocks) },
                fragmentationIndex: blocks.indices.map { BuddyTable.fragmentationIndex(order: $0, freeBlocks: blocks) })
        }
    }

    /// Free pages and bytes over all zones.
    public var totalFreePages: UInt64 { zones.reduce(0) { $0 + $1.freePages } }
    public var totalFreeBytes: UInt64? {
        var sum: UInt64 = 0
        for zone in zones {
            guard let bytes = zone.freeBytes else { return nil }
            let (next, overflow) = sum.addingReportingOverflow(bytes)
            guard !overflow else { return nil }
            sum = next
        }
        return sum
    }

    /// The block size of an order in bytes, nil when the page size is unknown.
    public func blockBytes(order: Int) -> UInt64? {
        guard let pageSize, order >= 0, order < 64 else { return nil }
        let (bytes, overflow) = pageSize.multipliedReportingOverflow(by: UInt64(1) << UInt64(order))
        return overflow ? nil : bytes
    }

    /// mm/vmstat.c `fill_contig_page_info()`.
    public static func contigPageInfo(
        suitableOrder: Int, freeBlocks: [UInt64]
    ) -> (freePages: UInt64, freeBlocksTotal: UInt64, freeBlocksSuitable: UInt64) {
        var freePages: UInt64 = 0
        var total: UInt64 = 0
        var suitable: UInt64 = 0
        for (order, blocks) in freeBlocks.enumerated() {
            total += blocks
            freePages += blocks << UInt64(order)
            if order >= suitableOrder { suitable += blocks << UInt64(order - suitableOrder) }
        }
        return (freePages, total, suitable)
    }

    /// mm/vmstat.c `unusable_free_index()`: the share of free memory (in
    /// thousandths) that cannot serve an allocation of 2^order pages.
    public static func unusableFreeIndex(order: Int, freeBlocks: [UInt64]) -> Int {
        let info = contigPageInfo(suitableOrder: order, freeBlocks: freeBlocks)
        // No free memory is interpreted as all free memory is unusable.
        guard info.freePages > 0 else { return 1000 }
        let usable = info.freeBlocksSuitable << UInt64(order)
        return Int((info.freePages - usable) * 1000 / info.freePages)
    }

    /// mm/vmstat.c `__fragmentation_index()`: when an allocation of 2^order
    /// pages would fail, whether for lack of memory (towards 0) or because
    /// free memory is fragmented (towards 1000); −1000 when it would succeed.
    public static func fragmentationIndex(order: Int, freeBlocks: [UInt64]) -> Int {
        let info = contigPageInfo(suitableOrder: order, freeBlocks: freeBlocks)
        guard info.freeBlocksTotal > 0 else { return 0 }
        guard info.freeBlocksSuitable == 0 else { return -1000 }
        let requested = UInt64(1) << UInt64(order)
        let scaled = (1000 + info.freePages * 1000 / requested) / info.freeBlocksTotal
        return 1000 - Int(scaled)
    }

    /// A thousandths index as the kernel prints it: `"%d.%03d"` of
    /// `index / 1000` and `index % 1000` (C truncation, so −1000 is "-1.000"
    /// and −500 is "0.-500", as debugfs shows them).
    public static func kernelText(thousandths index: Int) -> String {
        let whole = index / 1000
        let part = index % 1000
        var fraction = String(part.magnitude)
        while fraction.count < (part < 0 ? 2 : 3) { fraction = "0" + fraction }
        return String(whole) + "." + (part < 0 ? "-" : "") + fraction
    }

    private static func multiply(_ values: [UInt64], by factor: UInt64) -> [UInt64]? {
        var out: [UInt64] = []
        out.reserveCapacity(values.count)
        for value in values {
            let (product, overflow) = value.multipliedReportingOverflow(by: factor)
            guard !overflow else { return nil }
            out.append(product)
        }
        return out
    }
}
