/// What a series did over the samples: its robust slope (Theil–Sen), whether
/// the trend is real (Mann–Kendall), and whether the growth looks like a
/// leak — the same for every series (meminfo fields, slab caches, dentry
/// counts, processes, cgroups), so live and replay judge alike.
public struct TrendAnalysis: Sendable, Equatable {
    public enum Growth: String, Sendable, Equatable {
        /// Significant rise that keeps what it gained: a leak's shape.
        case leakLike = "leak-like"
        /// Significant rise that gives back (reclaim's sawtooth, page cache).
        case growing
        case shrinking
        /// No significant trend.
        case flat
        /// Too few points, or a counter that reset too recently to say.
        case unknown
    }

    /// p below this is a trend (Mann–Kendall, two-sided).
    public static let significance = 0.01
    /// Leak-like needs at least this share of non-decreasing steps between
    /// block medians, and no give-back larger than `maxGiveBack` of the rise.
    public static let minMonotonicShare = 0.7
    public static let maxGiveBack = 0.25

    public var kind: TrendValueKind
    /// Points the figures come from (after a counter's last reset).
    public var count: Int
    public var spanSeconds: Double
    public var first: Double
    public var last: Double
    public var lastSeconds: Double
    public var slope: TheilSen?
    public var test: MannKendall?
    public var growth: Growth
    /// Share of non-decreasing steps between block medians (0…1).
    public var monotonicShare: Double?

    /// Change per hour; nil when unknown (never negative for a counter).
    public var perHour: Double? {
        guard growth != .unknown, let slope else { return nil }
        if kind == .counter, slope.perSecond < 0 { return nil }
        return slope.perSecond * 3600
    }

    public init(_ points: [TrendPoint], kind: TrendValueKind = .gauge) {
        let used = afterLastReset(points, kind: kind)
        self.kind = kind
        count = used.count
        first = used.first?.value ?? 0
        last = used.last?.value ?? 0
        lastSeconds = used.last?.seconds ?? 0
        spanSeconds = (used.last?.seconds ?? 0) - (used.first?.seconds ?? 0)
        slope = used.count >= 3 ? TheilSen(used) : nil
        test = MannKendall(used)
        let shape = TrendShape(thinned(used))
        monotonicShare = shape?.monotonicShare
        guard let slope else {
            growth = .unknown
            return
        }
        guard let test, test.p < TrendAnalysis.significance, slope.perSecond != 0 else {
            growth = .flat
            return
        }
        if slope.perSecond < 0 {
            growth = kind == .counter ? .unknown : .shrinking
        } else if let shape, shape.monotonicShare >= TrendAnalysis.minMonotonicShare,
                  shape.giveBack <= TrendAnalysis.maxGiveBack * max(shape.rise, 0), shape.rise > 0 {
            growth = .leakLike
        } else {
            growth = .growing
        }
    }

    /// When the series reaches `target` at the Theil–Sen slope, measured
    /// from the last point along the robust line; nil when it is not
    /// growing towards it.
    public func forecast(reaching target: Double) -> TrendForecast? {
        guard let slope, growth == .leakLike || growth == .growing else { return nil }
        let now = max(slope.value(at: lastSeconds), last)
        if now >= target { return TrendForecast(seconds: 0, earliestSeconds: 0, latestSeconds: 0) }
        guard slope.perSecond > 0 else { return nil }
        let remaining = target - now
        let earliest = remaining / max(slope.upperPerSecond, slope.perSecond)
        let latest: Double? = slope.lowerPerSecond > 0 ? remaining / min(slope.lowerPerSecond, slope.perSecond) : nil
        return TrendForecast(seconds: remaining / slope.perSecond, earliestSeconds: earliest, latestSeconds: latest)
    }
}

/// Time until a series crosses a threshold, with the range from the
/// slope's confidence bounds.
public struct TrendForecast: Sendable, Equatable {
    public var seconds: Double
    /// At the upper slope bound.
    public var earliestSeconds: Double
    /// At the lower slope bound; nil when that bound does not grow at all.
    public var latestSeconds: Double?
}

/// The shape of a series seen through block medians (noise averaged away):
/// how monotonic its rise is and how much of it it gives back.
struct TrendShape {
    var monotonicShare: Double
    /// Largest fall from a running maximum of the block medians.
    var giveBack: Double
    /// Last block median minus the first.
    var rise: Double

    static let blocks = 20

    init?(_ points: [TrendPoint]) {
        guard points.count >= 3 else { return nil }
        let blockCount = min(TrendShape.blocks, points.count)
        var medians: [Double] = []
        for block in 0..<blockCount {
            let start = block * points.count / blockCount
            let end = (block + 1) * points.count / blockCount
            guard end > start else { continue }
            medians.append(median(sorted: points[start..<end].map(\.value).sorted()))
        }
        guard medians.count >= 2 else { return nil }
        var up = 0
        var peak = medians[0]
        var giveBack = 0.0
        for index in 1..<medians.count {
            if medians[index] >= medians[index - 1] { up += 1 }
            peak = max(peak, medians[index])
            giveBack = max(giveBack, peak - medians[index])
        }
        monotonicShare = Double(up) / Double(medians.count - 1)
        self.giveBack = giveBack
        rise = medians[medians.count - 1] - medians[0]
    }
}
