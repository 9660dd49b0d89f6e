import KernelFiles

/// The figures of procps-ng 4's `slabtop -o`, computed from one
/// `/proc/slabinfo` sample (and optionally the one before it, for growth).
///
/// Every formula follows procps-ng 4.0's `library/slabinfo.c`
/// (`parse_slabinfo20`) and `src/slabtop.c` (`print_summary`, `print_details`):
///
/// - CACHE SIZE = num_slabs × pagesperslab × page size (an upper bound: SLUB
///   may fall back to smaller slabs under pressure);
/// - USE = `(unsigned)(100 * ((float)active_objs / num_objs))`, 0 for an empty
///   cache — float, truncated, as procps does;
/// - the header's "Size" is object bytes, not cache bytes: Σ active_objs ×
///   objsize / Σ num_objs × objsize;
/// - "Caches" active = caches with num_objs > 0;
/// - min / max object size over every row (empty caches included), average =
///   Σ num_objs × objsize / Σ num_objs, integer division.
///
/// procps keeps the counts in `unsigned int`; here they are 64-bit, so the
/// two would differ only past 4 billion objects.
public struct SlabTable: Sendable {
    /// The orders `memsleuth slabtop --sort` offers.
    public enum SortKey: String, Sendable, CaseIterable {
        /// Number of objects, descending: slabtop's default (`-s o`).
        case objs
        /// Active objects, descending (`-s a`).
        case active
        /// CACHE SIZE, descending (`-s c`).
        case size
        /// Name, ascending, byte order (`-s n` under LC_ALL=C).
        case name
        /// Bytes per second between two samples, descending; caches without a
        /// figure last. procps has no such order.
        case growth
    }

    /// How a cache changed between two samples. Slab figures are gauges, not
    /// counters: a shrinking cache has a negative growth, which is meaningful.
    public struct Growth: Sendable, Equatable {
        /// Change in active objects per second.
        public let objectsPerSecond: Double
        /// Change in CACHE SIZE bytes per second.
        public let bytesPerSecond: Double

        public init(objectsPerSecond: Double, bytesPerSecond: Double) {
            self.objectsPerSecond = objectsPerSecond
            self.bytesPerSecond = bytesPerSecond
        }
    }

    /// One cache as slabtop shows it, plus what sysfs and a previous sample add.
    public struct Row: Sendable {
        public let cache: Slabinfo.Cache
        /// slabtop's USE column.
        public let usePercent: UInt64
        /// slabtop's CACHE SIZE in bytes.
        public let sizeBytes: UInt64
        /// `reclaim_account` from /sys/kernel/slab; nil when unknown.
        public let reclaimable: Bool?
        /// Names SLUB merged into this cache; nil when /sys/kernel/slab was not
        /// read or has no entry for the cache.
        public let aliases: [String]?
        /// nil for the first sample, or a cache the previous sample lacked.
        public let growth: Growth?
    }

    /// slabtop's five header lines.
    public struct Totals: Sendable, Equatable {
        public var activeObjs: UInt64 = 0
        public var numObjs: UInt64 = 0
        public var activeSlabs: UInt64 = 0
        public var numSlabs: UInt64 = 0
        public var activeCaches: UInt64 = 0
        public var caches: UInt64 = 0
        /// Σ active_objs × objsize (bytes).
        public var activeSize: UInt64 = 0
        /// Σ num_objs × objsize (bytes).
        public var totalSize: UInt64 = 0
        /// procps starts the minimum at INT_MAX and prints it so when there are no caches.
        public var minObjSize: UInt64 = UInt64(Int32.max)
        public var averageObjSize: UInt64 = 0
        public var maxObjSize: UInt64 = 0
        /// Σ CACHE SIZE (bytes): what the caches hold in pages.
        public var sizeBytes: UInt64 = 0
        /// Σ num_slabs × pagesperslab.
        public var pages: UInt64 = 0
    }

    /// Rows in the requested order.
    public let rows: [Row]
    public let totals: Totals
    public let pageSize: UInt64
    public let sort: SortKey

    /// - Parameters:
    ///   - pageSize: the page size of the host the sample came from
    ///     (`sysconf(_SC_PAGESIZE)` live, the bundle's own otherwise).
    ///   - directory: the `/sys/kernel/slab` listing, for aliases; nil when unreadable.
    ///   - reclaimable: `reclaim_account` per slabinfo cache name, where read.
    ///   - previous: the sample before this one and the seconds between them.
    public init(
        slabinfo: Slabinfo, pageSize: UInt64, sort: SortKey = .objs,
        directory: SlabCacheDirectory? = nil, reclaimable: [String: Bool] = [:],
        previous: (slabinfo: Slabinfo, seconds: Double)? = nil
    ) {
        self.pageSize = pageSize
        self.sort = sort
        var before: [String: Slabinfo.Cache] = [:]
        if let previous {
            for cache in previous.slabinfo.caches { before[cache.name] = cache }
        }
        let seconds = previous?.seconds ?? 0
        var totals = Totals()
        var rows: [Row] = []
        rows.reserveCapacity(slabinfo.caches.count)
        for cache in slabinfo.caches {
            let size = Self.cacheSize(cache, pageSize: pageSize)
            var growth: Growth?
            if let old = before[cache.name], seconds > 0 {
                growth = Growth(
                    objectsPerSecond: (Double(cache.activeObjs) - Double(old.activeObjs)) / seconds,
                    bytesPerSecond: (Double(size) - Double(Self.cacheSize(old, pageSize: pageSize))) / seconds)
            }
            rows.append(Row(
                cache: cache, usePercent: Self.usePercent(cache), sizeBytes: size,
                reclaimable: reclaimable[cache.name],
                aliases: directory.flatMap { $0.directory(of: cache.name) == nil ? nil : $0.aliases(of: cache.name) },
                growth: growth))
            totals.add(cache, cacheBytes: size)
        }
        if totals.numObjs > 0 { totals.averageObjSize = totals.totalSize / totals.numObjs }
        self.totals = totals
        self.rows = Self.sorted(rows, by: sort)
    }

    /// num_slabs × pagesperslab × page size, saturating on absurd input.
    public static func cacheSize(_ cache: Slabinfo.Cache, pageSize: UInt64) -> UInt64 {
        multiply(multiply(cache.numSlabs, cache.pagesPerSlab), pageSize)
    }

    /// The cache holding the most memory (by `cacheSize`); nil for none.
    public static func largest(_ caches: [Slabinfo.Cache], pageSize: UInt64) -> Slabinfo.Cache? {
        caches.max { cacheSize($0, pageSize: pageSize) < cacheSize($1, pageSize: pageSize) }
    }

    /// `(unsigned int)(100 * ((float)active / num))`, 0 for an empty cache.
    public static func usePercent(_ cache: Slabinfo.Cache) -> UInt64 {
        guard cache.numObjs > 0 else { return 0 }
        let use = Float(100) * (Float(cache.activeObjs) / Float(cache.numObjs))
        guard use.isFinite, use >= 0, use < Float(UInt32.max) else { return 0 }
        return UInt64(use)
    }

    /// A stable sort: ties keep the kernel's order, as glibc's merge-sorting
    /// `qsort_r` does for slabtop.
    static func sorted(_ rows: [Row], by key: SortKey) -> [Row] {
        let indexed = rows.enumerated().map { (offset: $0.offset, row: $0.element) }
        return indexed.sorted { a, b in
            switch Self.compare(a.row, b.row, by: key) {
            case .some(let before): return before
            case .none: return a.offset < b.offset
            }
        }.map(\.row)
    }

    /// true: a first; false: b first; nil: a tie.
    private static func compare(_ a: Row, _ b: Row, by key: SortKey) -> Bool? {
        func descending(_ x: UInt64, _ y: UInt64) -> Bool? { x == y ? nil : x > y }
        switch key {
        case .objs: return descending(a.cache.numObjs, b.cache.numObjs)
        case .active: return descending(a.cache.activeObjs, b.cache.activeObjs)
        case .size: return descending(a.sizeBytes, b.sizeBytes)
        case .name:
            let x = Array(a.cache.name.utf8)
            let y = Array(b.cache.name.utf8)
            return x == y ? nil : x.lexicographicallyPrecedes(y)
        case .growth:
            switch (a.growth?.bytesPerSecond, b.growth?.bytesPerSecond) {
            case (nil, nil): return nil
            case (nil, _): return false
            case (_, nil): return true
            case (let x?, let y?): return x == y ? nil : x > y
            }
        }
    }

    static func multiply(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let (product, overflow) = a.multipliedReportingOverflow(by: b)
        return overflow ? .max : product
    }
}

extension SlabTable.Totals {
    fileprivate mutating func add(_ cache: Slabinfo.Cache, cacheBytes: UInt64) {
        func plus(_ a: UInt64, _ b: UInt64) -> UInt64 {
            let (sum, overflow) = a.addingReportingOverflow(b)
            return overflow ? .max : sum
        }
        minObjSize = Swift.min(minObjSize, cache.objSize)
        maxObjSize = Swift.max(maxObjSize, cache.objSize)
        if cache.numObjs > 0 { activeCaches += 1 }
        caches += 1
        numObjs = plus(numObjs, cache.numObjs)
        activeObjs = plus(activeObjs, cache.activeObjs)
        totalSize = plus(totalSize, SlabTable.multiply(cache.numObjs, cache.objSize))
        activeSize = plus(activeSize, SlabTable.multiply(cache.activeObjs, cache.objSize))
        pages = plus(pages, SlabTable.multiply(cache.numSlabs, cache.pagesPerSlab))
        numSlabs = plus(numSlabs, cache.numSlabs)
        activeSlabs = plus(activeSlabs, cache.activeSlabs)
        sizeBytes = plus(sizeBytes, cacheBytes)
    }
}
