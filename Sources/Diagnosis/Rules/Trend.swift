import MemoryModel

/// Growth of one figure over the samples (history oldest first, then now),
/// through the trend engine (Sources/Diagnosis/Trends): a Theil–Sen slope,
/// so one noisy sample or a reclaim drop does not decide, and the
/// Mann–Kendall test and leak-likeness in `analysis`. Built the same way
/// whatever the figure, so every rule that judges growth does it alike.
public struct Trend: Sendable, Equatable {
    /// Change per hour of the figure (its own unit), the Theil–Sen slope.
    public var perHour: Double
    /// Sen's 95 % bounds on `perHour`.
    public var lowerPerHour: Double
    public var upperPerHour: Double
    public var first: Double
    public var last: Double
    /// Seconds from the first to the last sample.
    public var spanSeconds: Double
    public var sampleCount: Int
    /// Significance and shape (leak-like, growing, flat …).
    public var analysis: TrendAnalysis

    /// nil with fewer than two samples carrying the figure, or when they
    /// are all at the same time.
    ///
    /// Flat, then climbing: when the figure was flat up to its last low and
    /// has climbed since, the climb is judged on its own (`climbAfterFlat`),
    /// so that its rate is the current one. A robust slope over the whole
    /// history ignores a climb that holds less than ~30 % of the points — a
    /// leak that began this morning after a quiet week.
    public init?(_ samples: [Snapshot], _ value: (Snapshot) -> Double?) {
        var points: [TrendPoint] = []
        for sample in samples {
            guard let v = value(sample) else { continue }
            points.append(TrendPoint(seconds: Double(sample.time.seconds) + Double(sample.time.nanoseconds) / 1e9, value: v))
        }
        self.init(points: points)
        if let climb = Self.climbAfterFlat(points), !isEstablished || climb.perHour > perHour {
            self = climb
        }
    }

    /// The trend since the series' last low, when everything before that
    /// low stayed within a quarter of the climb's rise (flat, not a cycle:
    /// a sawtooth of reclaim has earlier teeth as high as the climb, so it
    /// never qualifies), and the climb is established on at least
    /// `testableSampleCount` samples. nil otherwise.
    static func climbAfterFlat(_ points: [TrendPoint]) -> Trend? {
        guard let lowest = points.map(\.value).min(),
              let low = points.lastIndex(where: { $0.value <= lowest }), low > 0,
              points.count - low >= testableSampleCount else { return nil }
        let rise = points[points.count - 1].value - lowest
        let before = points[...low].map(\.value)
        guard rise > 0, let high = before.max(), high - lowest <= rise / 4,
              let climb = Trend(points: Array(points[low...])), climb.isEstablished else { return nil }
        return climb
    }

    /// The same from points already taken out of the samples (seconds on
    /// any clock, oldest first): what a caller keeping only a figure's
    /// recent values has (`record --trace-on-growth`).
    public init?(points: [TrendPoint]) {
        guard points.count >= 2, let start = points.first?.seconds, let end = points.last?.seconds, end > start,
              let slope = TheilSen(points) else { return nil }
        perHour = slope.perSecond * 3600
        lowerPerHour = slope.lowerPerSecond * 3600
        upperPerHour = slope.upperPerSecond * 3600
        first = points[0].value
        last = points[points.count - 1].value
        spanSeconds = end - start
        sampleCount = points.count
        analysis = TrendAnalysis(points)
    }

    /// History shorter than this raises no alarm by its growth alone: a few
    /// seconds of samples (a recorder just started, a compile running) give
    /// steep, significant, meaningless slopes.
    public static let minimumSpanSeconds = 300.0

    /// From this many samples on, growth must also be significant
    /// (Mann–Kendall); fewer (a bundle of three captures hours apart) cannot
    /// be tested, and their slope is taken as it is.
    public static let testableSampleCount = 8

    /// Growth to act on: rising over at least `minimumSpanSeconds`, and
    /// significant when there are enough samples to say. Rules escalate on
    /// growth only when this holds.
    public var isEstablished: Bool { isEstablished(minimumSpanSeconds: Trend.minimumSpanSeconds) }

    /// `isEstablished` over a shorter (or longer) span than the rules use.
    public func isEstablished(minimumSpanSeconds: Double) -> Bool {
        guard spanSeconds >= minimumSpanSeconds, perHour > 0 else { return false }
        return sampleCount < Trend.testableSampleCount || analysis.growth == .leakLike || analysis.growth == .growing
    }

    /// Hours until the figure reaches `target` at the current rate; nil when
    /// it is not growing towards it. 0 when already there.
    public func hoursUntil(_ target: Double) -> Double? {
        if last >= target { return 0 }
        guard perHour > 0 else { return nil }
        return (target - last) / perHour
    }

    /// The range of `hoursUntil(target)` from the slope's bounds: earliest
    /// at the upper bound, latest at the lower (nil when that bound does
    /// not grow). nil when the figure is not growing towards `target`.
    public func hoursRange(until target: Double) -> (earliest: Double, latest: Double?)? {
        if last >= target { return (0, 0) }
        guard perHour > 0 else { return nil }
        let remaining = target - last
        let latest: Double? = lowerPerHour > 0 ? remaining / min(lowerPerHour, perHour) : nil
        return (remaining / max(upperPerHour, perHour), latest)
    }
}

/// "7.8 M", "120 k", "950": an object count for people.
func humanCount(_ value: Double) -> String {
    let magnitude = abs(value)
    if magnitude >= 1e9 { return oneDecimal(value / 1e9) + " G" }
    if magnitude >= 1e6 { return oneDecimal(value / 1e6) + " M" }
    if magnitude >= 1e3 { return oneDecimal(value / 1e3) + " k" }
    return String(Int64(value.rounded()))
}

/// "3 h 10 min", "45 min", "2 d 4 h" — a forecast for people.
public func humanHours(_ hours: Double) -> String {
    guard hours.isFinite, hours >= 0 else { return "never" }
    let minutes = Int((hours * 60).rounded())
    if minutes < 60 { return "\(minutes) min" }
    if minutes < 48 * 60 { return minutes % 60 == 0 ? "\(minutes / 60) h" : "\(minutes / 60) h \(minutes % 60) min" }
    let totalHours = Int(hours.rounded())
    return totalHours % 24 == 0 ? "\(totalHours / 24) d" : "\(totalHours / 24) d \(totalHours % 24) h"
}

/// "3 h 10 min (2 h 40 min – 3 h 50 min)"; the upper end "longer" when the
/// slope's lower bound does not grow.
func humanHoursRange(_ hours: Double, _ range: (earliest: Double, latest: Double?)?) -> String {
    guard let range else { return humanHours(hours) }
    let point = humanHours(hours)
    // A range that rounds to the point itself (a perfectly straight line)
    // says nothing more.
    if humanHours(range.earliest) == point, let latest = range.latest, humanHours(latest) == point { return point }
    return "\(humanHours(hours)) (\(humanHours(range.earliest)) – \(range.latest.map(humanHours) ?? "longer"))"
}

/// A counter's rate per second between the last two samples that carry it;
/// nil when it went backwards (reboot, wrap) or there is no second sample.
func counterRate(_ samples: [Snapshot], _ value: (Snapshot) -> UInt64?) -> Double? {
    let carrying = samples.filter { value($0) != nil }
    guard carrying.count >= 2 else { return nil }
    let older = carrying[carrying.count - 2]
    let newer = carrying[carrying.count - 1]
    guard let a = value(older), let b = value(newer), b >= a else { return nil }
    let seconds = Double(newer.time.seconds - older.time.seconds)
        + Double(newer.time.nanoseconds - older.time.nanoseconds) / 1e9
    guard seconds > 0 else { return nil }
    return Double(b - a) / seconds
}
