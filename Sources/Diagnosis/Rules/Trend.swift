import MemoryModel

/// Growth of one figure over the samples (history oldest first, then now):
/// a least-squares line through every point, so one noisy sample does not
/// decide. Built the same way whatever the figure, so every rule that
/// judges growth does it alike.
public struct Trend: Sendable, Equatable {
    /// Change per hour of the figure (its own unit).
    public var perHour: Double
    public var first: Double
    public var last: Double
    /// Seconds from the first to the last sample.
    public var spanSeconds: Double
    public var sampleCount: Int

    /// nil with fewer than two samples carrying the figure, or when they
    /// are all at the same time.
    public init?(_ samples: [Snapshot], _ value: (Snapshot) -> Double?) {
        var points: [(t: Double, v: Double)] = []
        for sample in samples {
            guard let v = value(sample) else { continue }
            points.append((Double(sample.time.seconds) + Double(sample.time.nanoseconds) / 1e9, v))
        }
        guard points.count >= 2, let start = points.first?.t, let end = points.last?.t, end > start else { return nil }
        let n = Double(points.count)
        let meanT = points.reduce(0) { $0 + ($1.t - start) } / n
        let meanV = points.reduce(0) { $0 + $1.v } / n
        var numerator = 0.0
        var denominator = 0.0
        for point in points {
            let dt = point.t - start - meanT
            numerator += dt * (point.v - meanV)
            denominator += dt * dt
        }
        guard denominator > 0 else { return nil }
        perHour = numerator / denominator * 3600
        first = points[0].v
        last = points[points.count - 1].v
        spanSeconds = end - start
        sampleCount = points.count
    }

    /// Hours until the figure reaches `target` at the current rate; nil when
    /// it is not growing towards it. 0 when already there.
    public func hoursUntil(_ target: Double) -> Double? {
        if last >= target { return 0 }
        guard perHour > 0 else { return nil }
        return (target - last) / perHour
    }
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
