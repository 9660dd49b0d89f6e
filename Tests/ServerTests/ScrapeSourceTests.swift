import Diagnosis
import Logging
import MetricsExport
@testable import Server
import Testing
import TestSupport

/// A live source reads the costly sources less often than every scrape:
/// the process sweep within --process-interval is reused (no "processes"
/// duration, an age instead); 0 sweeps on every scrape. The doctor and the
/// cgroup walk likewise within --doctor-interval.
@Suite struct ScrapeSourceTests {
    static func source(processInterval: Double, doctorInterval: Double = 30) throws -> ScrapeSource {
        var configuration = ServeConfiguration()
        configuration.processInterval = processInterval
        configuration.pagetypeinfoInterval = processInterval
        configuration.doctorInterval = doctorInterval
        return ScrapeSource(configuration: configuration, mode: .live(Fixtures.kernel("linux-6.18-sandbox")), store: nil,
                            knowledgeBase: try KnowledgeBase.embedded(), logger: Logger(label: "test"))
    }

    @Test func theSweepIsKeptWithinTheInterval() async throws {
        let source = try Self.source(processInterval: 3600)
        let first = await source.scrape()
        #expect(first.timings["processes"] != nil)
        let second = await source.scrape()
        #expect(second.timings["processes"] == nil)
        #expect(second.snapshot.processes != nil)
        let ages = Dictionary(uniqueKeysWithValues: second.ages.map { ($0.source, $0.seconds) })
        #expect(ages["processes"].map { $0 >= 0 } == true)
        #expect(ages["slab_attributes"] != nil)
        #expect(ages["pagetypeinfo"] != nil)
        let text = MemsleuthMetrics.render(second.metricsInput(ServeConfiguration()))
        #expect(text.contains("memsleuth_source_age_seconds{source=\"processes\"}"))
    }

    @Test func zeroSweepsEveryScrape() async throws {
        let source = try Self.source(processInterval: 0)
        _ = await source.scrape()
        let second = await source.scrape()
        #expect(second.timings["processes"] != nil)
    }

    @Test func theDoctorReportIsKeptWithinTheInterval() async throws {
        let source = try Self.source(processInterval: 3600, doctorInterval: 3600)
        let first = await source.scrape()
        #expect(first.timings["doctor"] != nil)
        #expect(first.timings["cgroups"] != nil)
        let second = await source.scrape()
        #expect(second.timings["doctor"] == nil)
        #expect(second.timings["cgroups"] == nil)
        #expect(second.timings["slabinfo"] != nil, "the figures are still read on every scrape")
        #expect(second.report.findings.map(\.ruleID) == first.report.findings.map(\.ruleID))
        #expect(second.report.verdict == first.report.verdict)
        #expect(second.snapshot.cgroups?.cgroups.count == first.snapshot.cgroups?.cgroups.count)
        let ages = Dictionary(uniqueKeysWithValues: second.ages.map { ($0.source, $0.seconds) })
        #expect(ages["doctor"].map { $0 >= 0 } == true)
        #expect(ages["cgroups"] != nil)
        let text = MemsleuthMetrics.render(second.metricsInput(ServeConfiguration()))
        #expect(text.contains("memsleuth_source_age_seconds{source=\"doctor\"}"))
        #expect(text.contains("memsleuth_source_up{source=\"cgroups\"} 1"))
        #expect(!text.contains("memsleuth_source_duration_seconds{source=\"doctor\"}"))
    }

    @Test func zeroRunsTheDoctorEveryScrape() async throws {
        let source = try Self.source(processInterval: 3600, doctorInterval: 0)
        _ = await source.scrape()
        let second = await source.scrape()
        #expect(second.timings["doctor"] != nil)
        #expect(second.timings["cgroups"] != nil)
    }
}
