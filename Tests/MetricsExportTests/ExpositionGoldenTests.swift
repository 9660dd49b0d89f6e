import Diagnosis
import Foundation
import KernelFiles
import MemoryModel
import MetricsExport
import Testing
import TestSupport

/// `/metrics` on every fixture kernel and incident bundle, against golden
/// files in Tests/Fixtures/golden/metrics, each also linted by the real
/// `promtool check metrics`. Times are fixed and timings left out, so the
/// text is stable. MEMSLEUTH_RECORD_GOLDEN=1 rewrites the files and then
/// fails, so a recording run never passes silently.
@Suite struct ExpositionGoldenTests {
    static let directory = Fixtures.directory + "/golden/metrics"
    static let incidents = ["dentry-leak-rhel6", "healthy-small", "page-cache-heavy"]

    /// A kernel tree as one sample at a fixed time.
    static func kernelInput(_ name: String) throws -> MetricsInput {
        var input = DiagnosisInput.gather(root: Fixtures.kernel(name))
        input.snapshot.time = WallTime(seconds: 1_700_000_000, nanoseconds: 0, monotonic: 0)
        let report = Doctor.diagnose(input, knowledgeBase: try KnowledgeBase.embedded())
        return MetricsInput(snapshot: input.snapshot, report: report)
    }

    /// An incident bundle as `serve --bundle` sees its newest sample: the
    /// earlier samples are its history.
    static func incidentInput(_ name: String) throws -> MetricsInput {
        let bundle = try BundleReader(directory: Fixtures.directory + "/incidents/" + name)
        var input = DiagnosisInput.gather(root: bundle.latest.root)
        if let time = bundle.latest.time { input.snapshot.time = time }
        input.history = Array(bundle.snapshots().dropLast())
        let report = Doctor.diagnose(input, knowledgeBase: try KnowledgeBase.embedded())
        return MetricsInput(snapshot: input.snapshot, report: report, history: input.history)
    }

    static func compare(_ output: String, golden name: String) throws {
        let path = directory + "/" + name
        if ProcessInfo.processInfo.environment["MEMSLEUTH_RECORD_GOLDEN"] != nil {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try output.write(toFile: path, atomically: true, encoding: .utf8)
            Issue.record("recorded \(path); run again without MEMSLEUTH_RECORD_GOLDEN")
            return
        }
        let golden = try String(contentsOfFile: path, encoding: .utf8)
        #expect(output == golden, "\(name) differs from its golden file")
    }

    /// `promtool check metrics` reads the exposition on stdin; it exits 0
    /// when the text parses and passes its lint (HELP, counter names, units).
    static func promtool(_ text: String) throws -> ExternalCommand {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("memsleuth-metrics-\(UUID().uuidString).prom").path
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        return try ExternalCommand.run("sh", ["-c", "promtool check metrics < '\(file)'"])
    }

    @Test(arguments: Fixtures.kernelNames)
    func kernel(_ name: String) throws {
        let text = MemsleuthMetrics.render(try Self.kernelInput(name))
        try Self.compare(text, golden: "kernel-\(name).prom")
        let lint = try Self.promtool(text)
        #expect(lint.exitCode == 0, "promtool on \(name): \(lint.stdout)\(lint.stderr)")
    }

    @Test(arguments: incidents)
    func incident(_ name: String) throws {
        let text = MemsleuthMetrics.render(try Self.incidentInput(name))
        try Self.compare(text, golden: "incident-\(name).prom")
        let lint = try Self.promtool(text)
        #expect(lint.exitCode == 0, "promtool on \(name): \(lint.stdout)\(lint.stderr)")
    }

    /// With history: the recorded dentry storm's last sample judged with
    /// the 8 before it (6 minutes), as `serve --bundle` exports it — the
    /// slab growth family appears (no forecast: used memory is not growing
    /// towards a threshold in it).
    @Test func workloadWithHistory() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("golden-storm-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let untar = try ExternalCommand.run("tar", ["-xzf", Fixtures.directory + "/workloads/dentry-storm.tar.gz", "-C", directory])
        #expect(untar.exitCode == 0, "\(untar.stderr)")
        let bundle = try BundleReader(directory: directory)
        var input = DiagnosisInput.gather(root: bundle.latest.root)
        if let time = bundle.latest.time { input.snapshot.time = time }
        input.history = Array(bundle.snapshots(includeProcesses: false, includeCgroups: false).dropLast())
        let report = Doctor.diagnose(input, knowledgeBase: try KnowledgeBase.embedded())
        let text = MemsleuthMetrics.render(MetricsInput(snapshot: input.snapshot, report: report, history: input.history))
        #expect(text.contains("memsleuth_slab_cache_growth_bytes_per_second{cache=\"dentry\"}"))
        try Self.compare(text, golden: "workload-dentry-storm.prom")
        // The growth computed once beforehand (serve, every --doctor-interval) exports the same.
        var precomputed = MetricsInput(snapshot: input.snapshot, report: report, history: input.history)
        precomputed.slabGrowth = SlabGrowth.of(history: input.history, snapshot: input.snapshot)
        #expect(precomputed.slabGrowth?.caches["dentry"]?.growing == true)
        #expect(MemsleuthMetrics.render(precomputed) == text)
        let lint = try Self.promtool(text)
        #expect(lint.exitCode == 0, "promtool: \(lint.stdout)\(lint.stderr)")
    }

    /// OpenMetrics: counter families without `_total`, `# EOF` last.
    @Test func incidentOpenMetrics() throws {
        let text = MemsleuthMetrics.render(try Self.incidentInput("dentry-leak-rhel6"), format: .openMetrics)
        try Self.compare(text, golden: "incident-dentry-leak-rhel6.openmetrics")
        #expect(text.hasSuffix("# EOF\n"))
        #expect(text.contains("# TYPE memsleuth_vmstat_events counter\n"))
        #expect(text.contains("memsleuth_vmstat_events_total{counter="))
    }
}
