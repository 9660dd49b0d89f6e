/// One observation of a series: seconds (any fixed origin) and its value.
public struct TrendPoint: Sendable, Equatable {
    public var seconds: Double
    public var value: Double

    public init(seconds: Double, value: Double) {
        self.seconds = seconds
        self.value = value
    }
}

/// How a series behaves when it goes down. A gauge (memory used, a slab
/// cache's size) may shrink; a counter (pgfault, pswpin) only goes down
/// when it was reset (reboot, wrap), so the drop says nothing about a rate.
public enum TrendValueKind: Sendable, Equatable {
    case gauge
    case counter
}

/// At most this many points take part in the pairwise statistics: above it
/// the series is thinned to evenly spaced points (always the first and the
/// last), so 30 days of 10-s samples cost the same as 200 samples and the
/// answer is deterministic.
let trendMaxPoints = 200

/// `points` thinned to at most `limit` evenly spaced ones, oldest first.
func thinned(_ points: [TrendPoint], limit: Int = trendMaxPoints) -> [TrendPoint] {
    guard points.count > limit, limit >= 2 else { return points }
    var out: [TrendPoint] = []
    out.reserveCapacity(limit)
    let last = points.count - 1
    for k in 0..<limit {
        let index = k * last / (limit - 1)
        out.append(points[index])
    }
    return out
}

/// The part of a counter series after its last reset (a step backwards);
/// a gauge series unchanged.
func afterLastReset(_ points: [TrendPoint], kind: TrendValueKind) -> [TrendPoint] {
    guard kind == .counter, points.count >= 2 else { return points }
    var start = 0
    for index in 1..<points.count where points[index].value < points[index - 1].value {
        start = index
    }
    return Array(points[start...])
}
