@testable import Diagnosis
import KernelFiles
import MemoryModel
import Testing
import TestSupport

/// Growth needs time and identity: a few seconds of steep samples raise
/// nothing, and a reused pid is a different process.
@Suite struct GrowthRuleTests {
    let kb: KnowledgeBase
    let rules = RuleTests.table
    init() throws { kb = try KnowledgeBase.embedded() }

    func findings(_ input: DiagnosisInput) -> [Finding] {
        Doctor.diagnose(input, knowledgeBase: kb).findings
    }

    @Test func namesTheGrowingProcessWithItsRate() throws {
        let tests = try RuleTests()
        let finding = try #require(findings(tests.growingProcess(gibPerHour: 1)).first { $0.ruleID == "process.growth" })
        #expect(finding.title.hasPrefix("leaky (pid 4242) grows by 1.0 GiB per hour"), "\(finding.title)")
        #expect(finding.evidence.contains { $0.text == "/usr/bin/leaky --serve" })
        #expect(finding.explanation.contains("leak-like"))
    }

    @Test func aReusedPidIsAnotherProcess() throws {
        let tests = try RuleTests()
        var input = tests.growingProcess(gibPerHour: 1)
        // The oldest sample's pid 4242 was another process (started earlier).
        if var first = input.history.first, var sweep = first.processes {
            sweep.rows = sweep.rows.map { row in
                var row = row
                if row.pid == 4242 { row.startTimeTicks = 7 }
                return row
            }
            first.processes = sweep
            input.history[0] = first
        }
        #expect(!findings(input).contains { $0.ruleID == "process.growth" })
    }

    @Test func secondsOfSteepSamplesRaiseNothing() throws {
        let tests = try RuleTests()
        // The same twelve samples, one second apart instead of ten minutes:
        // 6 GiB per hour, significant, and meaningless.
        let input = tests.growingProcess(gibPerHour: 600, span: 1)
        let report = Doctor.diagnose(input, knowledgeBase: kb)
        #expect(!report.findings.contains { $0.ruleID == "process.growth" || $0.ruleID == "memory.used" },
                "\(report.findings.map(\.ruleID))")
    }

    @Test func usedForecastSaysWhichPartGrows() throws {
        let tests = try RuleTests()
        let base = tests.quiet
        let total = try #require(base.meminfo?.memTotal)
        let free = try #require(base.meminfo?.memFree)
        let anon = base.meminfo?["AnonPages"] ?? 0
        // AnonPages takes 5 % of RAM from MemFree every hour, for 11 hours.
        let samples = (0..<12).map { hour -> Snapshot in
            let moved = total / 20 * UInt64(hour)
            return base.with(time: Int64(hour) * 3600).with(meminfo: ["MemFree": free - moved, "AnonPages": anon + moved])
        }
        let report = Doctor.diagnose(DiagnosisInput(snapshot: samples[11], history: Array(samples[0..<11])), knowledgeBase: kb)
        let used = try #require(report.findings.first { $0.ruleID == "memory.used" })
        #expect(used.evidence.contains { $0.name == "growing most: AnonPages" }, "\(used.evidence.map(\.name))")
        #expect(used.explanation.contains("Most of the growth is AnonPages"))
    }
}
