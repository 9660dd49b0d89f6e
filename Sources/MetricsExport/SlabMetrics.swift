import Diagnosis
import KernelFiles
import MemoryModel

/// Per-cache slab families, bounded: the `slabTop` largest caches by bytes,
/// plus (with history) up to `slabTop` more that grow significantly
/// (Mann–Kendall: growing or leak-like), fastest first — a small cache that
/// is leaking matters before it is large.
enum SlabMetrics {
    struct Cache {
        var name: String
        var bytes: UInt64
        var activeObjects: UInt64
        var totalObjects: UInt64
        /// Theil–Sen slope over the history, bytes per second; nil without history.
        var growthPerSecond: Double?
        var growing = false
    }

    static func families(_ input: MetricsInput) -> [MetricFamily] {
        var bytes = MetricFamily("memsleuth_slab_cache_bytes", .gauge,
                                 help: "Memory held by a slab cache (num_slabs × pagesperslab × page size, as slabtop's CACHE SIZE); top N by size plus any growing.")
        var objects = MetricFamily("memsleuth_slab_cache_objects", .gauge,
                                   help: "Objects of a slab cache from /proc/slabinfo: active and total.")
        var growth = MetricFamily("memsleuth_slab_cache_growth_bytes_per_second", .gauge,
                                  help: "Growth of a slab cache over the history window (Theil–Sen slope); only with history.")
        for cache in selected(input) {
            bytes.add(Double(cache.bytes), ("cache", cache.name))
            objects.add(Double(cache.activeObjects), ("cache", cache.name), ("state", "active"))
            objects.add(Double(cache.totalObjects), ("cache", cache.name), ("state", "total"))
            if let slope = cache.growthPerSecond { growth.add(slope, ("cache", cache.name)) }
        }
        return [bytes, objects, growth]
    }

    /// The caches exported, largest first, then the growing extras.
    static func selected(_ input: MetricsInput) -> [Cache] {
        var caches = caches(of: input.snapshot)
        guard !caches.isEmpty else { return [] }
        caches.sort { ($0.bytes, $1.name) > ($1.bytes, $0.name) }
        let growth = input.slabGrowth ?? growth(history: input.history, snapshot: input.snapshot)
        for index in caches.indices {
            guard let trend = growth.caches[caches[index].name] else { continue }
            caches[index].growthPerSecond = trend.perSecond
            caches[index].growing = trend.growing
        }
        let top = input.options.slabTop
        var chosen = Array(caches.prefix(top))
        let extras = caches.dropFirst(top).filter(\.growing)
            .sorted { ($0.growthPerSecond ?? 0) > ($1.growthPerSecond ?? 0) }
        chosen += extras.prefix(top)
        return chosen
    }

    /// Each cache of the snapshot once (a name /proc/slabinfo lists twice
    /// counts at its first line), in the kernel's order.
    static func caches(of snapshot: Snapshot) -> [Cache] {
        guard let slab = snapshot.slab else { return [] }
        var seen = Set<String>()
        var caches: [Cache] = []
        for cache in slab.slabinfo.caches where seen.insert(cache.name).inserted {
            caches.append(Cache(name: cache.name, bytes: SlabTable.cacheSize(cache, pageSize: snapshot.pageSizeBytes),
                                activeObjects: cache.activeObjs, totalObjects: cache.numObjs))
        }
        return caches
    }

    /// Every cache's slope over `history` + `snapshot` (Theil–Sen and
    /// Mann–Kendall per cache: quadratic in the samples, × ~400 caches), to
    /// compute once and pass as `MetricsInput.slabGrowth` to scrapes that
    /// follow (a live server does so every --doctor-interval).
    static func growth(history: [Snapshot], snapshot: Snapshot) -> SlabGrowth {
        var caches = caches(of: snapshot)
        guard !history.isEmpty, !caches.isEmpty else { return SlabGrowth(caches: [:]) }
        addGrowth(&caches, history: history, now: snapshot.time.epochSeconds)
        var result: [String: SlabGrowth.Trend] = [:]
        for cache in caches {
            if let slope = cache.growthPerSecond { result[cache.name] = SlabGrowth.Trend(perSecond: slope, growing: cache.growing) }
        }
        return SlabGrowth(caches: result)
    }

    /// Slopes for every cache over history + now (the caller bounds the
    /// history: Theil–Sen is quadratic in the samples).
    static func addGrowth(_ caches: inout [Cache], history: [Snapshot], now: Double) {
        let past: [(seconds: Double, sizes: [String: UInt64])] = history.map { sample in
            var sizes: [String: UInt64] = [:]
            for cache in sample.slab?.slabinfo.caches ?? [] {
                sizes[cache.name] = SlabTable.cacheSize(cache, pageSize: sample.pageSizeBytes)
            }
            return (sample.time.epochSeconds, sizes)
        }
        for index in caches.indices {
            let name = caches[index].name
            var points: [TrendPoint] = past.compactMap { sample in
                sample.sizes[name].map { TrendPoint(seconds: sample.seconds, value: Double($0)) }
            }
            guard !points.isEmpty else { continue }
            points.append(TrendPoint(seconds: now, value: Double(caches[index].bytes)))
            let trend = TrendAnalysis(points)
            guard trend.growth != .unknown, let slope = trend.slope else { continue }
            caches[index].growthPerSecond = slope.perSecond
            caches[index].growing = trend.growth == .growing || trend.growth == .leakLike
        }
    }
}

/// Each slab cache's growth over a history, computed once (`SlabGrowth.of`)
/// and reused by the scrapes that follow instead of per scrape.
public struct SlabGrowth: Sendable, Equatable {
    public struct Trend: Sendable, Equatable {
        /// Theil–Sen slope, bytes per second.
        public var perSecond: Double
        /// Mann–Kendall significant, growing or leak-like.
        public var growing: Bool
    }

    /// By cache name; a cache absent has no growth figure.
    public var caches: [String: Trend]

    /// The slopes over `history` + `snapshot` (empty without history).
    public static func of(history: [Snapshot], snapshot: Snapshot) -> SlabGrowth {
        SlabMetrics.growth(history: history, snapshot: snapshot)
    }
}
