import Diagnosis
import Foundation
import HistoryStore
@testable import HistoryCLI
import KernelFiles
import MemoryModel
import Rendering
@testable import MemsleuthCLI
import SlabTrace
import Testing
import TestSupport

/// `record --trace-on-growth` without tracing: the recorder's decision
/// (when a cache's growth is established, once an hour per cache) on
/// synthetic samples, with an injected tracer; what it stores; and the
/// doctor over the store showing a stored attribution beside the finding
/// about its cache, only within the hour before the judged sample.
@Suite struct RecordTraceTests {
    static let base = SnapshotCollector(root: Fixtures.kernel("linux-6.18-sandbox"), includeProcesses: false,
                                        includeCgroups: false).collect()

    /// Sample `index` of a series taken every `every` seconds, in which the
    /// dentry cache grows `percentPerHour` % of MemTotal per hour.
    static func sample(_ index: Int, every: Double = 10, percentPerHour: Double) -> Snapshot {
        var snapshot = base
        let seconds = Double(index) * every
        snapshot.time = WallTime(seconds: 1_800_000_000 + Int64(seconds), nanoseconds: 0, monotonic: 1000 + seconds)
        guard let slab = base.slab, let memTotal = base.meminfo?.memTotal else { return snapshot }
        let grown = Double(memTotal) * percentPerHour / 100 / 3600 * seconds
        let caches = slab.slabinfo.caches.map { cache -> Slabinfo.Cache in
            guard cache.name == "dentry" else { return cache }
            let slabBytes = Double(cache.pagesPerSlab * base.pageSizeBytes)
            let extra = UInt64(grown / slabBytes)
            return Slabinfo.Cache(
                name: cache.name, activeObjs: cache.activeObjs + extra * cache.objPerSlab, numObjs: cache.numObjs + extra * cache.objPerSlab,
                objSize: cache.objSize, objPerSlab: cache.objPerSlab, pagesPerSlab: cache.pagesPerSlab, tunables: cache.tunables,
                activeSlabs: cache.activeSlabs + extra, numSlabs: cache.numSlabs + extra, sharedAvail: cache.sharedAvail)
        }
        snapshot.slab?.slabinfo = Slabinfo(version: slab.slabinfo.version, statistics: slab.slabinfo.statistics, caches: caches)
        return snapshot
    }

    static func temporaryStore() throws -> (HistoryDatabase, String) {
        let directory = NSTemporaryDirectory() + "memsleuth-rectrace-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return (try HistoryDatabase(path: directory + "/history.sqlite"), directory)
    }

    /// Feeds samples 0..<count; returns the sample indexes traced and the log.
    static func run(_ tracing: inout GrowthTracing, store: HistoryDatabase, count: Int, percentPerHour: Double,
                    every: Double = 10) throws -> (traced: [Int], ids: [Int64], log: String) {
        var traced: [Int] = []
        var ids: [Int64] = []
        var log = ""
        for index in 0..<count {
            let snapshot = sample(index, every: every, percentPerHour: percentPerHour)
            let id = try store.append(snapshot)
            ids.append(id)
            if tracing.after(snapshot, sampleID: id, store: store, log: { log += $0 }) != nil { traced.append(index) }
        }
        return (traced, ids, log)
    }

    final class Calls: @unchecked Sendable { var caches: [String] = []; var seconds: [Double] = [] }

    static func tracing(_ calls: Calls, minimumSpan: Double = Trend.minimumSpanSeconds,
                        fail: Bool = false) -> GrowthTracing {
        GrowthTracing(seconds: 5, watch: SlabGrowthWatch(minimumSpanSeconds: minimumSpan)) { cache, seconds throws(CommandFailure) in
            calls.caches.append(cache)
            calls.seconds.append(seconds)
            if fail { throw CommandFailure("tracing slab allocations needs root") }
            return TraceCommandTests.outcome()
        }
    }

    @Test func theFixtureHasWhatTheseTestsNeed() {
        #expect(Self.base.slab?.slabinfo.caches.contains { $0.name == "dentry" } == true)
        #expect((Self.base.meminfo?.memTotal ?? 0) > 0)
    }

    @Test func tracesOnceGrowthIsEstablishedAndAgainAfterAnHour() throws {
        // Given the dentry cache growing 2 % of MemTotal an hour, sampled every 10 s,
        let (store, directory) = try Self.temporaryStore()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let calls = Calls()
        var tracing = Self.tracing(calls)
        // when 66 minutes are recorded,
        let (traced, ids, log) = try Self.run(&tracing, store: store, count: 400, percentPerHour: 2)
        // then the first trace comes when 5 minutes of samples show it (sample 30),
        // the next an hour later, each for the duration asked;
        #expect(traced == [30, 390])
        #expect(calls.caches == ["dentry", "dentry"])
        #expect(calls.seconds == [5, 5])
        // the journal says why and what it found,
        #expect(log.contains("memsleuth: record: slab cache dentry grows "))
        #expect(log.contains("(over 5 min, 31 samples): tracing who allocates it for 5 s; samples wait\n"))
        let headline = try #require(TraceCommandTests.outcome().report.headline)
        #expect(log.contains("memsleuth: record: dentry: \(headline)\n"))
        // and the store holds each attribution on the sample that showed the growth.
        let stored = try store.attributions()
        #expect(stored.map(\.sampleID) == [ids[30], ids[390]])
        let first = try #require(stored.first)
        #expect(first.cache == "dentry")
        #expect(first.headline == headline)
        #expect(first.durationMilliseconds == 1000, "the trace's own duration (the fixture outcome's 1 s)")
        #expect(DoctorTrace.Summary(json: first.report) == DoctorTrace.Summary(TraceCommandTests.outcome().report),
                "the stored report gives the doctor what the live one does")
    }

    @Test(arguments: [0.0, 0.3])
    func slowOrNoGrowthIsNotTraced(_ percentPerHour: Double) throws {
        let (store, directory) = try Self.temporaryStore()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let calls = Calls()
        var tracing = Self.tracing(calls)
        let (traced, _, log) = try Self.run(&tracing, store: store, count: 60, percentPerHour: percentPerHour)
        #expect(traced.isEmpty)
        #expect(calls.caches.isEmpty)
        #expect(log.isEmpty)
        #expect(try store.attributions().isEmpty)
    }

    @Test func growthShorterThanTheMinimumSpanIsNotTraced() throws {
        // Fast growth for 4 min 50 s: not established yet.
        let (store, directory) = try Self.temporaryStore()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let calls = Calls()
        var tracing = Self.tracing(calls)
        let (traced, _, _) = try Self.run(&tracing, store: store, count: 30, percentPerHour: 50)
        #expect(traced.isEmpty)
    }

    @Test func theTestOnlyMinimumSpanShortensTheWait() throws {
        let (store, directory) = try Self.temporaryStore()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let calls = Calls()
        var tracing = Self.tracing(calls, minimumSpan: 20)
        let (traced, _, _) = try Self.run(&tracing, store: store, count: 10, percentPerHour: 50, every: 5)
        #expect(traced == [4], "5-s samples: 20 s of them at the fifth")
    }

    @Test func aFailingTraceIsSaidAndNotRetriedWithinTheHour() throws {
        let (store, directory) = try Self.temporaryStore()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let calls = Calls()
        var tracing = Self.tracing(calls, fail: true)
        let (traced, _, log) = try Self.run(&tracing, store: store, count: 120, percentPerHour: 2)
        #expect(traced.isEmpty)
        #expect(calls.caches == ["dentry"])
        #expect(log.contains("memsleuth: record: tracing dentry failed: tracing slab allocations needs root (next try in an hour)\n"))
        #expect(try store.attributions().isEmpty)
    }

    @Test func withoutRootTheOptionIsIgnoredInOneLineAndRecordingGoesOn() throws {
        let directory = NSTemporaryDirectory() + "memsleuth-rectrace-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let request = RecordRequest(
            root: Fixtures.kernelPath("linux-6.18-sandbox"), intervalNanoseconds: 1_000_000_000, db: directory + "/h.sqlite",
            retentionNanoseconds: 86_400_000_000_000, top: 5, count: 2, quiet: true, traceOnGrowthSeconds: 5)
        let calls = Calls()
        let result = runCaptured { context in
            do throws(CommandFailure) {
                return try request.run(context, tracer: { _, _ throws(CommandFailure) in
                    calls.caches.append("called")
                    return TraceCommandTests.outcome()
                }, isRoot: false)
            } catch { return 1 }
        }
        #expect(result.exitCode == 0)
        #expect(result.stderr == "memsleuth: record: --trace-on-growth ignored: tracing slab allocations needs root (the kernel's tracing files are root's); recording goes on\n")
        #expect(calls.caches.isEmpty)
        #expect(try HistoryDatabase(path: directory + "/h.sqlite").samples().count == 2)
    }

    @Test func onAnotherRootTheOptionIsIgnoredInOneLine() throws {
        let directory = NSTemporaryDirectory() + "memsleuth-rectrace-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let result = Invocation.capture(
            ["record", "--root", Fixtures.kernelPath("linux-6.18-sandbox"), "--db", directory + "/h.sqlite", "--count", "1",
             "--quiet", "--trace-on-growth", "5s"], root: HistoryTool.self)
        #expect(result.exitCode == 0)
        #expect(result.stderr.hasPrefix("memsleuth: record: --trace-on-growth ignored: "))
        #expect(result.stderr.split(separator: "\n").count == 1)
    }

    @Test func optionsAreCheckedAndTheHelpSaysSamplesWait() {
        let noTrace = Invocation.capture(["record", "--db", "/nonexistent/x.sqlite", "--trace-min-span", "20s"], root: HistoryTool.self)
        #expect(noTrace.exitCode == 64)
        #expect(noTrace.stderr.contains("--trace-min-span needs --trace-on-growth"))
        let bad = Invocation.capture(["record", "--db", "/nonexistent/x.sqlite", "--trace-on-growth", "soon"], root: HistoryTool.self)
        #expect(bad.exitCode == 64)
        let help = Invocation.capture(["record", "--help"], root: HistoryTool.self)
        let text = (help.stdout + help.stderr).split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(text.contains("--trace-on-growth <DURATION>"))
        #expect(text.contains("Samples wait meanwhile"))
        #expect(text.contains("at most once an hour"))
        #expect(!text.contains("--trace-min-span"), "a test-only option stays out of the help")
    }

    // MARK: the doctor over the store

    static let incident = Fixtures.directory + "/incidents/dentry-leak-rhel6"

    static func recorded(_ cache: String = "dentry") -> RecordedAttributions {
        RecordedAttributions([.init(
            cache: cache, traced: WallTime(seconds: 1_800_000_000, nanoseconds: 0, monotonic: 0),
            report: TraceView.json(TraceCommandTests.outcome(), top: 10).rendered())])
    }

    @Test func aRecordedAttributionGoesBesideTheFindingAboutItsCache() throws {
        var diagnosed: DoctorReport?
        _ = runCaptured { context in
            do throws(CommandFailure) {
                diagnosed = try DoctorRequest.diagnose(global: GlobalRequest(root: Self.incident, json: false),
                                                       thresholds: DoctorThresholds(), context: context)
            } catch { return 1 }
            return 0
        }
        var report = try #require(diagnosed)
        let before = report.findings
        DoctorTrace.attach(Self.recorded(), to: &report, root: ProcRoot(Self.incident))
        let index = try #require(DoctorTrace.target(report.findings))
        #expect(report.findings[index].ruleID.hasPrefix("slab.dentry."))
        let added = report.findings[index].evidence.dropFirst(before[index].evidence.count)
        let headline = try #require(TraceCommandTests.outcome().report.headline)
        #expect(added.first?.text == headline)
        #expect(added.first?.source.hasPrefix("recorded by memsleuth record --trace-on-growth at 2027-01-15T08:00:00.000Z: tracefs ") == true,
                "\(added.first?.source ?? "")")
        // Evidence like a live --trace's, apart from where it came from.
        #expect(added.map(\.name) == DoctorTrace.evidence(TraceCommandTests.outcome()).map(\.name))
        // Only that finding got it.
        for (other, old) in zip(report.findings, before) where other.ruleID != report.findings[index].ruleID {
            #expect(other.evidence == old.evidence)
        }
        // A cache no finding is about is not shown.
        var untouched = try #require(diagnosed)
        DoctorTrace.attach(Self.recorded("kmalloc-64"), to: &untouched, root: ProcRoot(Self.incident))
        #expect(untouched.findings.map(\.evidence) == before.map(\.evidence))
    }

    /// `doctor --db --at`: the attribution of the hour before the judged
    /// sample is shown; one older than that is not.
    @Test func doctorAtShowsTheAttributionOfTheHourBefore() throws {
        let directory = NSTemporaryDirectory() + "memsleuth-rectrace-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/history.sqlite"
        let recorded = Invocation.capture(["record", "--root", Self.incident, "--db", path, "--count", "1", "--quiet"],
                                          root: HistoryTool.self)
        #expect(recorded.exitCode == 0, "\(recorded.stderr)")
        let store = try HistoryDatabase(path: path)
        let sample = try #require(try store.samples().last)
        let report = TraceView.json(TraceCommandTests.outcome(), top: 10).rendered()
        let headline = try #require(TraceCommandTests.outcome().report.headline)
        // An attribution on a sample 2 h older than the judged one, with its own snapshot:
        var old = try #require(try store.snapshot(sampleID: sample.id))
        let twoHours: Int64 = 7200
        old.time = WallTime(seconds: old.time.seconds - twoHours, nanoseconds: old.time.nanoseconds, monotonic: 0)
        let oldID = try store.append(old)
        try store.appendAttribution(sampleID: oldID, cache: "dentry", tracedNanoseconds: 0, durationMilliseconds: 1000,
                                    headline: "old", report: report.replacingOccurrences(of: headline, with: "an old trace"))
        let at = WallTime(seconds: sample.timeNanoseconds / 1_000_000_000 + 1, nanoseconds: 0, monotonic: 0).rfc3339

        func attribution() throws -> [String] {
            let result = Invocation.capture(["doctor", "--db", path, "--at", at, "--json"], root: HistoryTool.self)
            #expect([0, 1, 2].contains(result.exitCode), "\(result.stderr)")
            let document = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
            let findings = try #require(document["findings"] as? [[String: Any]])
            let dentry = try #require(findings.first { ($0["rule_id"] as? String ?? "").hasPrefix("slab.dentry.") },
                                      "\(findings.map { $0.keys.sorted() })")
            let evidence = dentry["evidence"] as? [[String: Any]] ?? []
            return evidence.filter { $0["name"] as? String == "attribution" }.compactMap { $0["text"] as? String }
        }
        #expect(try attribution().isEmpty, "2 h old: not shown")
        try store.appendAttribution(sampleID: sample.id, cache: "dentry", tracedNanoseconds: sample.timeNanoseconds,
                                    durationMilliseconds: 1000, headline: headline, report: report)
        #expect(try attribution() == [headline])
    }
}
