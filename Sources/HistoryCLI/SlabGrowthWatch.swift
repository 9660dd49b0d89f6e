import Diagnosis
import MemoryModel

/// `record --trace-on-growth`: the recent size of every slab cache, kept in
/// memory (not read back from the store), and which caches' growth is
/// established, by the trend engine as the doctor judges it: a Theil–Sen
/// slope over at least `minimumSpanSeconds`, significant (Mann–Kendall)
/// once there are enough samples (`Trend.isEstablished`), and at least
/// `Doctor.dentryGrowthPercentPerHour` of MemTotal per hour, the doctor's
/// dentry growth threshold. A cache is traced at most once per `cooldownSeconds`.
struct SlabGrowthWatch {
    /// At most one trace per cache per hour.
    static let cooldownSeconds = 3600.0
    /// Sizes older than this are forgotten: the trend is the recent one.
    static let windowSeconds = 1800.0

    var minimumSpanSeconds = Trend.minimumSpanSeconds
    var cooldownSeconds = SlabGrowthWatch.cooldownSeconds
    var windowSeconds = SlabGrowthWatch.windowSeconds

    /// Per cache: (monotonic seconds, bytes), oldest first.
    private(set) var points: [String: [TrendPoint]] = [:]
    /// Per cache: when (monotonic seconds) it was last traced, or tried.
    private(set) var lastTraced: [String: Double] = [:]

    /// A cache whose growth is established.
    struct Growth: Equatable {
        var cache: String
        var bytesPerHour: Double
        var spanSeconds: Double
        var samples: Int
    }

    init(minimumSpanSeconds: Double = Trend.minimumSpanSeconds) {
        self.minimumSpanSeconds = minimumSpanSeconds
    }

    /// Notes every cache's size in a sample (same-named caches summed).
    mutating func observe(_ snapshot: Snapshot) {
        let now = snapshot.time.monotonic
        if let slab = snapshot.slab {
            var sizes: [String: Double] = [:]
            for cache in slab.slabinfo.caches {
                sizes[cache.name, default: 0] += Double(SlabTable.cacheSize(cache, pageSize: snapshot.pageSizeBytes))
            }
            for (name, bytes) in sizes { points[name, default: []].append(TrendPoint(seconds: now, value: bytes)) }
        }
        let cutoff = now - windowSeconds
        for name in Array(points.keys) {
            guard var series = points[name] else { continue }
            if let keep = series.firstIndex(where: { $0.seconds >= cutoff }) {
                if keep > 0 { series.removeFirst(keep) }
                points[name] = series
            } else {
                points[name] = nil  // vanished for the whole window
            }
        }
    }

    /// The caches growing fast enough, established, and not traced within
    /// the cooldown, fastest first.
    func due(now: Double, memTotal: UInt64?) -> [Growth] {
        guard let memTotal, memTotal > 0 else { return [] }
        let threshold = Double(memTotal) * Doctor.dentryGrowthPercentPerHour / 100
        var growing: [Growth] = []
        for (cache, series) in points {
            if let last = lastTraced[cache], now - last < cooldownSeconds { continue }
            guard let first = series.first, let latest = series.last, latest.seconds - first.seconds >= minimumSpanSeconds else {
                continue
            }
            // A cheap first look (Theil–Sen is quadratic): the cache must have
            // grown over the window at half the threshold at least.
            guard (latest.value - first.value) / (latest.seconds - first.seconds) * 3600 >= threshold / 2 else { continue }
            guard let trend = Trend(points: series), trend.isEstablished(minimumSpanSeconds: minimumSpanSeconds),
                  trend.perHour >= threshold else { continue }
            growing.append(Growth(cache: cache, bytesPerHour: trend.perHour, spanSeconds: trend.spanSeconds,
                                  samples: trend.sampleCount))
        }
        return growing.sorted { $0.bytesPerHour != $1.bytesPerHour ? $0.bytesPerHour > $1.bytesPerHour : $0.cache < $1.cache }
    }

    /// Starts the cooldown of `cache` (traced, or tried and failed).
    mutating func traced(_ cache: String, at now: Double) {
        lastTraced[cache] = now
    }
}
