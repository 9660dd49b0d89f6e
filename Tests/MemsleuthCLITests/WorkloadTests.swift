import Foundation
import HistoryStore
import KernelFiles
import MemoryModel
@testable import HistoryCLI
@testable import MemsleuthCLI
import ArgumentParser
import Diagnosis
import Testing
import TestSupport

/// Real workloads recorded on a real host by scripts/record-workloads (see
/// Tests/Fixtures/workloads/PROVENANCE.md): the doctor, judging each bundle's
/// samples as history, names the right culprit — and calls the page cache
/// of a large file read no leak. Then the same samples through the history
/// store (`doctor --db --at`) must reach the same findings.
@Suite struct WorkloadTests {
    static let directory = Fixtures.directory + "/workloads"

    static func bundle(_ name: String) -> String { directory + "/" + name + ".tar.gz" }

    struct Report: CustomStringConvertible {
        var json: [String: Any]
        /// Short in failure messages: the verdict and the findings, not the account.
        var description: String {
            "\(json["verdict"] ?? "?"): " + findings.map { "\($0["rule_id"] ?? "?") \($0["severity"] ?? "?")" }.joined(separator: ", ")
        }
        var findings: [[String: Any]] { json["findings"] as? [[String: Any]] ?? [] }

        func finding(_ rule: String) -> [String: Any]? { findings.first { $0["rule_id"] as? String == rule } }
        func severity(_ rule: String) -> String? { finding(rule)?["severity"] as? String }
        /// Every rule id at WARNING or CRITICAL.
        var alarms: Set<String> {
            Set(findings.filter { ["WARNING", "CRITICAL"].contains($0["severity"] as? String ?? "") }
                .compactMap { $0["rule_id"] as? String })
        }
        func text(_ rule: String) -> String {
            guard let finding = finding(rule), let data = try? JSONSerialization.data(withJSONObject: finding) else { return "" }
            return String(decoding: data, as: UTF8.self)
        }
    }

    static func doctor(_ arguments: [String], root: any ParsableCommand.Type = Memsleuth.self) throws -> Report {
        let result = Invocation.capture(["doctor", "--json"] + arguments, root: root)
        #expect([0, 1, 2].contains(result.exitCode), "\(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        return Report(json: json)
    }

    static func doctor(bundle name: String) throws -> Report { try doctor(["--bundle", bundle(name)]) }

    /// Growth that is a leak's: the rules that judge growth over history.
    static let growthRules: Set<String> = [
        "process.growth", "shmem.growth", "slab.dentry.negative-growth", "slab.unreclaimable.growth",
    ]

    @Test func negativeDentryStormIsTheDentryCacheGrowing() throws {
        let report = try Self.doctor(bundle: "dentry-storm")
        #expect(report.json["samples"] as? Int == 9)
        let severity = try #require(report.severity("slab.dentry.negative-growth"), "\(report.alarms)")
        #expect(["WARNING", "CRITICAL"].contains(severity))
        // This kernel counts negative dentries: the growth is of nr_negative, not an estimate.
        #expect(report.text("slab.dentry.negative-growth").contains("nr_negative"))
        #expect(!report.alarms.contains("process.growth") && !report.alarms.contains("shmem.growth"), "\(report.alarms)")
    }

    @Test func heapGrowthNamesTheProcess() throws {
        let report = try Self.doctor(bundle: "heap-growth")
        let finding = try #require(report.finding("process.growth"), "\(report.alarms)")
        #expect(["WARNING", "CRITICAL"].contains(finding["severity"] as? String ?? ""))
        #expect(report.text("process.growth").contains("heap-grower.py"), "\(report.text("process.growth"))")
        #expect(!report.alarms.contains("shmem.growth") && !report.alarms.contains("slab.dentry.negative-growth"))
    }

    /// The host was shared while recording (builds came and went), so the
    /// doctor may see other memory grow; what must hold is that the page
    /// cache the reader filled is not counted as used, and that nothing
    /// calls the reader a leak.
    @Test func pageCacheFromALargeFileReadIsNoLeak() throws {
        // The recording did fill the page cache (else this test proves nothing).
        let reader = try BundleArchive.open(Self.bundle("page-cache"), io: .system)
        let snapshots = reader.snapshots(includeProcesses: false, includeCgroups: false)
        let first = try #require(snapshots.first?.meminfo), last = try #require(snapshots.last?.meminfo)
        let cachedGrowth = Double(try #require(last.cached)) - Double(try #require(first.cached))
        #expect(cachedGrowth > Double(2 << 30), "Cached grew \(cachedGrowth) bytes")
        let used = { (m: Meminfo) in Double(UsedMemory(m, minFreeBytes: nil)?.withReclaimableSlab ?? 0) }
        #expect(used(last) - used(first) < cachedGrowth / 2, "the page cache was counted as used")

        let report = try Self.doctor(bundle: "page-cache")
        for rule in report.alarms {
            #expect(!report.text(rule).contains("slow-reader.py"), "\(rule) blames the reader")
        }
        #expect(!report.alarms.contains("shmem.growth"))
        if report.alarms.contains("memory.used") {
            #expect(!report.text("memory.used").contains("growing most: Cached"))
        }
    }

    @Test func tmpfsFillingNamesTheMount() throws {
        let report = try Self.doctor(bundle: "tmpfs-filling")
        let finding = try #require(report.finding("shmem.growth"), "\(report.alarms)")
        #expect(["WARNING", "CRITICAL"].contains(finding["severity"] as? String ?? ""))
        #expect((finding["title"] as? String ?? "").contains("/tmpfs"), "\(finding["title"] ?? "")")
        #expect(!report.alarms.contains("process.growth"))
    }

    /// The bundle's samples appended to a store, then `doctor --db --at`
    /// the last one: the growth rules reach the same verdicts (the store
    /// keeps no tmpfs figures or suspects, so only growth is compared).
    @Test(arguments: ["dentry-storm", "heap-growth", "page-cache", "tmpfs-filling"])
    func theStoreReplaysWhatTheBundleShowed(_ name: String) throws {
        let reader = try BundleArchive.open(Self.bundle(name), io: .system)
        let scratch = NSTemporaryDirectory() + "memsleuth-workload-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let store = try HistoryDatabase(path: scratch + "/h.sqlite")
        var selection = ProcessSelection(top: 20)
        for snapshot in reader.snapshots() {
            _ = try store.append(snapshot, processes: snapshot.processes.map { selection.pick($0) } ?? [])
        }
        let last = try #require(reader.latest.time)
        let viaStore = try Self.doctor(["--db", scratch + "/h.sqlite", "--at", last.rfc3339], root: HistoryTool.self)
        let viaBundle = try Self.doctor(bundle: name)
        #expect(viaStore.json["samples"] as? Int == viaBundle.json["samples"] as? Int)
        #expect(viaStore.alarms.intersection(Self.growthRules) == viaBundle.alarms.intersection(Self.growthRules),
                "store \(viaStore.alarms) bundle \(viaBundle.alarms)")
    }

    /// A storm that began minutes ago after a quiet month (the storm's first
    /// sample repeated every 4 hours): the doctor over the store still calls
    /// it — its default window is the last day, and growth is judged on the
    /// climb after the flat stretch.
    @Test func aStormAfterAQuietMonthIsStillFound() throws {
        let reader = try BundleArchive.open(Self.bundle("dentry-storm"), io: .system)
        let scratch = NSTemporaryDirectory() + "memsleuth-workload-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let store = try HistoryDatabase(path: scratch + "/h.sqlite")
        let storm = reader.snapshots()
        let first = try #require(storm.first)
        for hoursAgo in stride(from: 30 * 24, to: 0, by: -4) {
            var quiet = first
            let seconds = Int64(hoursAgo) * 3600
            quiet.time = WallTime(seconds: first.time.seconds - seconds, nanoseconds: 0, monotonic: first.time.monotonic - Double(seconds))
            _ = try store.append(quiet)
        }
        for snapshot in storm { _ = try store.append(snapshot) }
        let last = try #require(reader.latest.time)
        let report = try Self.doctor(["--db", scratch + "/h.sqlite", "--at", last.rfc3339], root: HistoryTool.self)
        #expect(report.alarms.contains("slab.dentry.negative-growth"), "\(report.alarms)")
        // The day before the judged sample: 5 quiet samples (the sixth is 24 h
        // before the storm began, 6 min before the judged sample) and the storm's 9.
        #expect(report.json["samples"] as? Int == 5 + 9)
        // The month is there for whoever asks for it.
        let month = try Self.doctor(["--db", scratch + "/h.sqlite", "--at", last.rfc3339, "--since", "31d"], root: HistoryTool.self)
        #expect((month.json["samples"] as? Int ?? 0) > 100)
    }
}
