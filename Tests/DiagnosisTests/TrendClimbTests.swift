import MemoryModel
import Testing
@testable import Diagnosis

/// Flat, then climbing: a leak that began hours ago after a quiet month is
/// judged on its climb (its rate is the current one), while reclaim's
/// sawtooth and a cache filled then dropped are not taken for one.
private let hour: Int64 = 3600

@Suite struct TrendClimbTests {
    /// Samples at `times` (seconds) whose figure is `value(time)`.
    static func trend(_ times: [Int64], _ value: (Int64) -> Double) -> Trend? {
        let base = Inputs.snapshot("linux-5.15-ubuntu22")
        return Trend(times.map { base.with(time: $0) }) { value($0.time.seconds) }
    }



    @Test func aLeakAfterAQuietMonthIsJudgedOnItsClimb() throws {
        // 30 days every 4 h at 2 GB ± 1 MB, then a leak of 100 MB/h for the
        // last 6 h, sampled every 10 min.
        let onset: Int64 = 30 * 24 * hour
        let quiet: [Int64] = Array(stride(from: Int64(0), to: onset, by: Int(4 * hour)))
        let leak: [Int64] = Array(stride(from: onset, through: onset + 6 * hour, by: 600))
        func figure(_ t: Int64) -> Double {
            if t < onset { return 2e9 + Double(t / (4 * hour) % 3 - 1) * 1e6 }
            return 2e9 - 1e6 + Double(t - onset) / 3600 * 1e8
        }
        let trend = try #require(Self.trend(quiet + leak, figure))
        #expect(trend.isEstablished)
        #expect(abs(trend.perHour - 1e8) / 1e8 < 0.05, "\(trend.perHour)")
        #expect(trend.spanSeconds <= Double(6 * hour + 600))
        // The whole month alone calls it flat: that is what the climb fixes.
        let whole = try #require(Trend(points: (quiet + leak).map { TrendPoint(seconds: Double($0), value: figure($0)) }))
        #expect(whole.perHour < 1e6)
    }

    @Test func reclaimsSawtoothIsNoClimb() throws {
        // Grows 50 MB/min for 200 min, reclaimed, again: three teeth, now
        // half-way up the fourth.
        let times = Array(stride(from: Int64(0), through: 700 * 60, by: 60))
        let trend = try #require(Self.trend(times) { t in 1e9 + Double((t / 60) % 200) * 5e7 })
        #expect(Trend.climbAfterFlat(times.map { t in TrendPoint(seconds: Double(t), value: 1e9 + Double((t / 60) % 200) * 5e7) }) == nil)
        #expect(trend.spanSeconds == 700 * 60)
    }

    @Test func aCacheFilledThenDroppedIsNoClimb() {
        let times = Array(stride(from: Int64(0), through: 300 * 60, by: 60))
        let points = times.map { t -> TrendPoint in
            let i = Double(t / 60)
            return TrendPoint(seconds: Double(t), value: i < 250 ? 1e9 + i * 4e7 : 1e9 + (i - 250) * 4e7)
        }
        #expect(Trend.climbAfterFlat(points) == nil)
    }

    @Test func aShortBlipAtTheEndIsNoClimb() {
        // Flat for a day, then three samples up: too few to test.
        let times = Array(stride(from: Int64(0), through: 24 * hour, by: 600))
        let points = times.enumerated().map { index, t in
            TrendPoint(seconds: Double(t), value: index >= times.count - 3 ? 2e9 + Double(index) * 1e6 : 2e9)
        }
        #expect(Trend.climbAfterFlat(points) == nil)
    }
}
