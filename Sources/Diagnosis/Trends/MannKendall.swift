#if canImport(Glibc)
import Glibc
#endif

/// The Mann–Kendall trend test: does the series tend to rise (or fall) over
/// time, whatever the shape, without assuming normal noise?
///
/// S = Σ_{i<j} sign(x_j − x_i); Var(S) = [n(n−1)(2n+5) − Σ_t t(t−1)(2t+5)] / 18
/// over the groups of t tied values; Z = (S − sign(S)) / √Var(S) (continuity
/// correction); p two-sided = erfc(|Z| / √2). Points are thinned to
/// `trendMaxPoints` first (see `thinned`).
public struct MannKendall: Sendable, Equatable {
    public var s: Int
    public var variance: Double
    public var z: Double
    /// Two-sided p-value: the chance of a |Z| this large with no trend.
    public var p: Double
    public var count: Int

    /// nil with fewer than three points or when every value is tied.
    public init?(_ points: [TrendPoint]) {
        let sample = thinned(points)
        let n = sample.count
        guard n >= 3 else { return nil }
        var s = 0
        for i in 0..<(n - 1) {
            let vi = sample[i].value
            for j in (i + 1)..<n {
                let vj = sample[j].value
                if vj > vi { s += 1 } else if vj < vi { s -= 1 }
            }
        }
        let sorted = sample.map(\.value).sorted()
        var tieTerm = 0.0
        var run = 1
        for index in 1...sorted.count {
            if index < sorted.count, sorted[index] == sorted[index - 1] {
                run += 1
                continue
            }
            if run > 1 {
                let t = Double(run)
                tieTerm += t * (t - 1) * (2 * t + 5)
            }
            run = 1
        }
        let nd = Double(n)
        let variance = (nd * (nd - 1) * (2 * nd + 5) - tieTerm) / 18
        guard variance > 0 else { return nil }
        let z: Double
        if s > 0 {
            z = Double(s - 1) / variance.squareRoot()
        } else if s < 0 {
            z = Double(s + 1) / variance.squareRoot()
        } else {
            z = 0
        }
        self.s = s
        self.variance = variance
        self.z = z
        self.p = erfc(abs(z) / 2.0.squareRoot())
        self.count = n
    }
}
