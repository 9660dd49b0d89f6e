/// The Theil–Sen slope: the median of the slopes between every pair of
/// points, so a few outliers (a reclaim drop, one odd sample) do not move
/// it, with Sen's confidence interval from the Mann–Kendall variance.
///
/// Points are thinned to `trendMaxPoints` first (see `thinned`), so the
/// cost is bounded whatever the history's length.
public struct TheilSen: Sendable, Equatable {
    /// Change of the value per second.
    public var perSecond: Double
    /// Sen's 95 % confidence bounds on the slope, per second.
    public var lowerPerSecond: Double
    public var upperPerSecond: Double
    /// Sen's intercept: median of value − slope × seconds, so
    /// `value(at:)` is the robust line through the points.
    public var intercept: Double

    /// z for a two-sided 95 % interval.
    static let z95 = 1.959964

    /// nil with fewer than two points at distinct times.
    public init?(_ points: [TrendPoint]) {
        let sample = thinned(points)
        var slopes: [Double] = []
        slopes.reserveCapacity(sample.count * (sample.count - 1) / 2)
        for i in 0..<sample.count {
            for j in (i + 1)..<sample.count {
                let dt = sample[j].seconds - sample[i].seconds
                guard dt > 0 else { continue }
                slopes.append((sample[j].value - sample[i].value) / dt)
            }
        }
        guard !slopes.isEmpty else { return nil }
        slopes.sort()
        let slope = median(sorted: slopes)
        perSecond = slope
        intercept = median(sorted: sample.map { $0.value - slope * $0.seconds }.sorted())
        // Sen (1968): with N pair slopes and C = z·√Var(S), the bounds are
        // the (N − C)/2-th and (N + C)/2 + 1-th ordered slopes.
        let count = Double(slopes.count)
        if let test = MannKendall(sample) {
            let c = TheilSen.z95 * test.variance.squareRoot()
            let lowerRank = Int(((count - c) / 2).rounded())
            let upperRank = Int(((count + c) / 2).rounded()) + 1
            lowerPerSecond = slopes[min(max(lowerRank - 1, 0), slopes.count - 1)]
            upperPerSecond = slopes[min(max(upperRank - 1, 0), slopes.count - 1)]
        } else {
            lowerPerSecond = slope
            upperPerSecond = slope
        }
    }

    /// The robust line's value at `seconds`.
    public func value(at seconds: Double) -> Double {
        intercept + perSecond * seconds
    }
}

func median(sorted values: [Double]) -> Double {
    guard !values.isEmpty else { return 0 }
    let mid = values.count / 2
    if values.count % 2 == 1 { return values[mid] }
    return (values[mid - 1] + values[mid]) / 2
}
