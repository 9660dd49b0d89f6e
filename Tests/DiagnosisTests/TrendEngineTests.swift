import Testing
@testable import Diagnosis

/// A small deterministic generator so noisy series are the same every run.
private struct Noise {
    var state: UInt64
    /// Uniform in -1…1.
    mutating func next() -> Double {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Double(state >> 11) / Double(1 << 53) * 2 - 1
    }
}

private func series(_ count: Int, step: Double = 60, _ value: (Int) -> Double) -> [TrendPoint] {
    (0..<count).map { TrendPoint(seconds: Double($0) * step, value: value($0)) }
}

@Suite("Trend engine: Theil–Sen, Mann–Kendall, leak-likeness, forecast")
struct TrendEngineTests {
    @Test("Mann–Kendall on 1…5 gives the textbook S, variance and p")
    func mannKendallTextbook() throws {
        let test = try #require(MannKendall(series(5) { Double($0 + 1) }))
        #expect(test.s == 10)
        #expect(abs(test.variance - 50.0 / 3) < 1e-9)
        #expect(abs(test.z - 9 / (50.0 / 3).squareRoot()) < 1e-9)
        #expect(abs(test.p - 0.02749) < 1e-4)
    }

    @Test("Ties shrink the Mann–Kendall variance")
    func mannKendallTies() throws {
        // Values 1,1,2,2,3: two tie groups of 2 → Σ t(t−1)(2t+5) = 2·18 = 36.
        let test = try #require(MannKendall([1, 1, 2, 2, 3].enumerated().map { TrendPoint(seconds: Double($0.offset), value: $0.element) }))
        #expect(test.s == 8)
        #expect(abs(test.variance - (5 * 4 * 15 - 36) / 18.0) < 1e-9)
    }

    @Test("Theil–Sen ignores one outlier that moves least squares")
    func theilSenOutlier() throws {
        let points = [0.0, 1, 2, 30, 4].enumerated().map { TrendPoint(seconds: Double($0.offset), value: $0.element) }
        let slope = try #require(TheilSen(points))
        #expect(slope.perSecond == 1)
        #expect(slope.lowerPerSecond <= 1 && slope.upperPerSecond >= 1)
    }

    @Test("A linear leak with noise: leak-like, forecast within 20 % of the true crossing")
    func linearLeakForecast() throws {
        var noise = Noise(state: 42)
        let base = 4e9
        let perSample = 5e5  // bytes per 60-s sample = 30 MB/h
        let points = series(1000) { base + perSample * Double($0) + 8e6 * noise.next() }
        let analysis = TrendAnalysis(points)
        #expect(analysis.growth == .leakLike)
        let perHour = try #require(analysis.perHour)
        #expect(abs(perHour - perSample * 60) / (perSample * 60) < 0.05)
        // Crosses at sample 1600, i.e. 601 samples after the last one.
        let target = base + perSample * 1600
        let trueSeconds = (1600.0 - 999) * 60
        let forecast = try #require(analysis.forecast(reaching: target))
        #expect(abs(forecast.seconds - trueSeconds) / trueSeconds < 0.2)
        let latest = try #require(forecast.latestSeconds)
        #expect(forecast.earliestSeconds <= forecast.seconds && forecast.seconds <= latest)
        #expect(forecast.earliestSeconds > trueSeconds * 0.5 && latest < trueSeconds * 2)
    }

    @Test("A page cache sawtooth (grow, reclaim, grow) is not leak-like")
    func sawtoothIsNotLeak() {
        let points = series(600) { 1e9 + Double($0 % 200) * 5e7 }
        let analysis = TrendAnalysis(points)
        #expect(analysis.growth != .leakLike)
    }

    @Test("Page cache that filled then was dropped once is not leak-like")
    func fillThenDrop() {
        let points = series(300) { $0 < 250 ? 1e9 + Double($0) * 4e7 : 2e9 + Double($0 - 250) * 4e7 }
        #expect(TrendAnalysis(points).growth != .leakLike)
    }

    @Test("A constant series has no trend and no forecast")
    func constant() {
        let analysis = TrendAnalysis(series(100) { _ in 7 })
        #expect(analysis.growth == .flat)
        #expect(analysis.forecast(reaching: 10) == nil)
    }

    @Test("Noise without trend is flat")
    func noiseOnly() {
        var noise = Noise(state: 7)
        #expect(TrendAnalysis(series(500) { _ in 1e9 + 1e8 * noise.next() }).growth == .flat)
    }

    @Test("A shrinking gauge is shrinking, with a negative rate")
    func shrinking() throws {
        let analysis = TrendAnalysis(series(50) { 1000 - Double($0) * 3 })
        #expect(analysis.growth == .shrinking)
        #expect(try #require(analysis.perHour) < 0)
    }

    @Test("A counter's rate comes from after its last reset")
    func counterReset() throws {
        let points = series(100) { $0 < 60 ? 1e6 + Double($0) * 10 : Double($0 - 60) * 20 }
        let analysis = TrendAnalysis(points, kind: .counter)
        #expect(analysis.count == 40)
        #expect(abs(try #require(analysis.perHour) - 20 * 60) < 1e-6)
    }

    @Test("A counter that just went backwards has an unknown rate, not a negative one")
    func counterJustReset() {
        let points = series(50) { $0 < 49 ? Double($0) * 10 : 3 }
        let analysis = TrendAnalysis(points, kind: .counter)
        #expect(analysis.growth == .unknown)
        #expect(analysis.perHour == nil)
    }

    @Test("30 days of 10-s samples are thinned: deterministic and leak-like")
    func longHistory() {
        let points = series(259_200, step: 10) { 1e9 + Double($0) * 100 + Double($0 % 7) * 50 }
        let a = TrendAnalysis(points)
        #expect(a.growth == .leakLike)
        #expect(a == TrendAnalysis(points))
    }

    @Test("Two points at the same time, or one point: unknown")
    func degenerate() {
        #expect(TrendAnalysis([TrendPoint(seconds: 0, value: 1)]).growth == .unknown)
        #expect(TrendAnalysis([]).growth == .unknown)
    }
}
