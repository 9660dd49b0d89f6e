import Testing
import MemoryModel
@testable import Diagnosis

/// The doctor's growth rules through the trend engine: a range on the
/// forecast, and page cache growth never called a leak.
@Suite struct TrendDoctorTests {
    let kb: KnowledgeBase
    init() throws { kb = try KnowledgeBase.embedded() }

    @Test("Noisy dentry growth over 23 h: a forecast with a range")
    func dentryForecastHasRange() throws {
        let now = Inputs.snapshot(Inputs.incidentKernel)
        let dentrySlabs = try #require(now.slabCache("dentry").map { $0.bytes / 4096 })
        var state: UInt64 = 3
        var history: [Snapshot] = []
        for hour in 0..<23 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let jitter = Int64(state >> 44) % 200_000 - 100_000  // ± 100 k slabs
            let slabs = Int64(dentrySlabs) - Int64(23 - hour) * 100_000 + jitter
            history.append(now.with(time: Int64(hour) * 3600).with(cache: "dentry", numSlabs: UInt64(max(slabs, 0))))
        }
        let input = DiagnosisInput(snapshot: now.with(time: 23 * 3600), history: history, suspects: [Inputs.healthCheckCurl()])
        let report = Doctor.diagnose(input, knowledgeBase: kb)
        let growth = try #require(report.findings.first { $0.ruleID == "slab.dentry.negative-growth" })
        #expect(growth.explanation.contains("reaches 90.0 % in"))
        #expect(growth.explanation.contains(" – "), "a range: \(growth.explanation)")
        #expect(growth.explanation.contains("objects/h) for 23 h over 24 samples, steadily: leak-like."), "\(growth.explanation)")
        let rate = try #require(growth.evidence.first?.value)
        #expect(abs(rate - 100_000 * 4096) / (100_000 * 4096) < 0.2)
    }

    @Test("Page cache filling from file IO for 12 h: no leak, no growth warning")
    func pageCacheGrowthIsNotALeak() throws {
        let base = Inputs.snapshot("linux-5.15-ubuntu22")
        let total = try #require(base.meminfo?.memTotal)
        // Cached grows by 5 % of MemTotal an hour, taken from MemFree.
        func at(_ hour: Int64) -> Snapshot {
            let cached = total / 100 * UInt64(20 + 5 * hour)
            return base.with(time: hour * 3600).with(meminfo: ["Cached": cached, "MemFree": total - cached - total / 10])
        }
        let history = (0..<12).map { at(Int64($0)) }
        let report = Doctor.diagnose(DiagnosisInput(snapshot: at(12), history: history), knowledgeBase: kb)
        for finding in report.findings {
            #expect(!finding.title.lowercased().contains("leak"), "\(finding.ruleID): \(finding.title)")
            #expect(!finding.explanation.lowercased().contains("leak-like"), "\(finding.ruleID)")
            #expect(finding.severity < .warning, "\(finding.ruleID) \(finding.severity.name): \(finding.title)")
        }
    }

    @Test("Durations for people")
    func humanDurations() {
        #expect(humanHours(3 + 10.0 / 60) == "3 h 10 min")
        #expect(humanHours(0.75) == "45 min")
        #expect(humanHours(52) == "2 d 4 h")
        #expect(humanCount(7_800_000) == "7.8 M")
        #expect(humanCount(950) == "950")
        #expect(humanHoursRange(3 + 10.0 / 60, (2 + 40.0 / 60, 3 + 50.0 / 60)) == "3 h 10 min (2 h 40 min – 3 h 50 min)")
        #expect(humanHoursRange(4, (2, nil)) == "4 h (2 h – longer)")
    }
}
