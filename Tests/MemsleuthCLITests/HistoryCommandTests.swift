import Foundation
import HistoryStore
import KernelFiles
import MemoryModel
@testable import HistoryCLI
@testable import MemsleuthCLI
import Testing
import TestSupport

/// `memsleuth history` and `memsleuth diff` over a store written here (a
/// fixture snapshot appended at synthetic times with a growing Slab) and
/// over a hand-laid multi-sample bundle.
@Suite struct HistoryCommandTests {
    /// 2026-11-25T00:00:00Z
    static let start: Int64 = 1_795_564_800

    static func scratch(_ name: String) throws -> String {
        let path = NSTemporaryDirectory() + "memsleuth-history-\(name)-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func remove(_ path: String) { try? FileManager.default.removeItem(atPath: path) }

    static func base() -> Snapshot {
        SnapshotCollector(root: ProcRoot(Fixtures.kernelPath("linux-4.19-debian10"))).collect()
    }

    /// `base` at start + hour·3600 with Slab = 1 GiB + hour·100 MiB.
    static func sample(_ base: Snapshot, hour: Int64) -> Snapshot {
        var copy = base
        copy.time = WallTime(seconds: start + hour * 3600, nanoseconds: 0, monotonic: Double(hour * 3600))
        let slab = UInt64(1 << 30) + UInt64(hour) * 100 << 20
        let fields = (base.meminfo?.fields ?? []).map { field in
            field.name == "Slab" ? Meminfo.Field(name: "Slab", value: slab, isBytes: true) : field
        }
        copy.meminfo = Meminfo(fields: fields)
        return copy
    }

    /// A store with 12 hourly samples.
    static func store() throws -> String {
        let path = try scratch("store") + "/h.sqlite"
        let store = try HistoryDatabase(path: path)
        let base = base()
        for hour in 0..<12 { _ = try store.append(sample(base, hour: Int64(hour))) }
        return path
    }

    @Test func seriesFromTheStoreHasTableSparklineAndTrend() throws {
        let db = try Self.store()
        defer { Self.remove((db as NSString).deletingLastPathComponent) }
        let text = Invocation.capture(["history", "--db", db, "--series", "meminfo.Slab", "--since", "2026-11-24T00:00:00Z"], root: HistoryTool.self)
        #expect(text.exitCode == 0, "\(text.stderr)")
        #expect(text.stdout.contains("2026-11-25T00:00:00.000Z"))
        #expect(text.stdout.contains("2026-11-25T11:00:00.000Z"))
        #expect(text.stdout.contains("▁") && text.stdout.contains("█"))
        #expect(text.stdout.contains("+100Mi per hour, leak-like"), "\(text.stdout)")

        let json = Invocation.capture(["history", "--db", db, "--series", "meminfo.Slab", "--since", "2026-11-24T00:00:00Z", "--json"], root: HistoryTool.self)
        #expect(json.exitCode == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect((object["points"] as? [Any])?.count == 12)
        let trend = try #require(object["trend"] as? [String: Any])
        #expect(trend["growth"] as? String == "leak-like")
        #expect((trend["per_hour"] as? NSNumber)?.doubleValue == Double(104_857_600))
    }

    @Test func atShowsThePastSnapshotThroughTheSnapshotView() throws {
        let db = try Self.store()
        defer { Self.remove((db as NSString).deletingLastPathComponent) }
        let json = Invocation.capture(["history", "--db", db, "--at", "2026-11-25T03:30:00Z", "--json"], root: HistoryTool.self)
        #expect(json.exitCode == 0, "\(json.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["format"] as? String == "memsleuth-snapshot/1")
        #expect(object["time"] as? String == "2026-11-25T03:00:00.000Z")
        let meminfo = try #require(object["meminfo"] as? [String: Any])
        #expect((meminfo["Slab"] as? NSNumber)?.uint64Value == UInt64(1 << 30) + 300 << 20)

        let text = Invocation.capture(["history", "--db", db, "--at", "2026-11-25T03:30:00+01:00"], root: HistoryTool.self)
        #expect(text.exitCode == 0, "\(text.stderr)")
        #expect(text.stdout.contains("snapshot at 2026-11-25T02:00:00.000Z"))
        #expect(text.stdout.contains("Mem:"))
        #expect(!text.stdout.contains("Optional("))
        #expect(Invocation.capture(["history", "--db", db, "--at", "2026-11-24T00:00:00Z"], root: HistoryTool.self).exitCode == 1)
    }

    @Test func diffBetweenTwoTimesPutsTheLargestChangeFirst() throws {
        let db = try Self.store()
        defer { Self.remove((db as NSString).deletingLastPathComponent) }
        let json = Invocation.capture(["diff", "2026-11-25T01:00:00Z", "2026-11-25T11:00:00Z", "--db", db, "--json"], root: HistoryTool.self)
        #expect(json.exitCode == 0, "\(json.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let changes = try #require(object["changes"] as? [[String: Any]])
        let first = try #require(changes.first)
        #expect(first["section"] as? String == "meminfo" && first["name"] as? String == "Slab")
        #expect((first["change"] as? NSNumber)?.int64Value == 1000 << 20)
        let text = Invocation.capture(["diff", "2026-11-25T01:00:00Z", "2026-11-25T11:00:00Z", "--db", db], root: HistoryTool.self)
        #expect(text.stdout.contains("Slab"))
    }

    @Test(arguments: ["yesterday", "2026-13-01T00:00:00Z", "2026-11-25T00:00:00", "-2x", "0m"])
    func badTimesAreUsageErrors(_ time: String) {
        #expect(Invocation.capture(["history", "--db", "/nonexistent.sqlite", "--at", time], root: HistoryTool.self).exitCode == 64)
        #expect(Invocation.capture(["diff", time, "now", "--db", "/nonexistent.sqlite"], root: HistoryTool.self).exitCode == 64)
    }

    @Test func unknownSeriesAndMissingStore() {
        #expect(Invocation.capture(["history", "--db", "/x.sqlite", "--series", "bogus"], root: HistoryTool.self).exitCode == 64)
        #expect(Invocation.capture(["history", "--db", "/x.sqlite"], root: HistoryTool.self).exitCode == 64)
        let missing = Invocation.capture(["history", "--db", "/nonexistent/h.sqlite", "--series", "meminfo.Slab"], root: HistoryTool.self)
        #expect(missing.exitCode == 1)
        #expect(missing.stderr.contains("no history store"))
    }

    @Test func timesParse() {
        #expect(TimeArgument.rfc3339("2026-11-25T00:00:00Z") == Self.start * 1_000_000_000)
        #expect(TimeArgument.rfc3339("2026-11-25T01:00:00.25+01:00") == Self.start * 1_000_000_000 + 250_000_000)
        #expect(TimeArgument.nanoseconds("-2h", now: 10_000_000_000_000) == Int64(2_800_000_000_000))
        #expect(TimeArgument.nanoseconds("30m", now: 10_000_000_000_000) == Int64(8_200_000_000_000))
    }

    /// A bundle of three samples of a fixture, Slab growing in each.
    static func bundle() throws -> String {
        let directory = try scratch("bundle")
        let fixture = Fixtures.kernelPath("linux-4.19-debian10")
        var samples: [String] = []
        for index in 0..<3 {
            let dir = "samples/000\(index)"
            let target = directory + "/" + dir
            try FileManager.default.createDirectory(atPath: directory + "/samples", withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: fixture, toPath: target)
            let meminfo = target + "/proc/meminfo"
            let text = try String(contentsOfFile: meminfo, encoding: .utf8)
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
                line.hasPrefix("Slab:") ? "Slab:           \(1_048_576 + index * 102_400) kB" : String(line)
            }
            try lines.joined(separator: "\n").write(toFile: meminfo, atomically: true, encoding: .utf8)
            samples.append(#"{"time": "2026-11-25T0\#(index):00:00.000Z", "dir": "\#(dir)"}"#)
        }
        let manifest = #"{"format": "memsleuth-bundle/1", "samples": [\#(samples.joined(separator: ", "))]}"#
        try manifest.write(toFile: directory + "/manifest.json", atomically: true, encoding: .utf8)
        return directory
    }

    @Test func aMultiSampleBundleIsHistory() throws {
        let bundle = try Self.bundle()
        defer { Self.remove(bundle) }
        let series = Invocation.capture(["history", "--bundle", bundle, "--series", "meminfo.Slab",
                                         "--since", "2026-11-24T00:00:00Z", "--json"], root: HistoryTool.self)
        #expect(series.exitCode == 0, "\(series.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(series.stdout.utf8)) as? [String: Any])
        #expect((object["points"] as? [Any])?.count == 3)
        let at = Invocation.capture(["history", "--bundle", bundle, "--at", "2026-11-25T01:30:00Z", "--json"], root: HistoryTool.self)
        #expect(at.exitCode == 0, "\(at.stderr)")
        #expect(at.stdout.contains("\"time\":\"2026-11-25T01:00:00.000Z\"") || at.stdout.contains("\"time\": \"2026-11-25T01:00:00.000Z\""))
        let diff = Invocation.capture(["diff", "2026-11-25T00:00:00Z", "2026-11-25T02:00:00Z", "--bundle", bundle], root: HistoryTool.self)
        #expect(diff.exitCode == 0, "\(diff.stderr)")
        #expect(diff.stdout.contains("Slab"))
        #expect(diff.stdout.contains("+200Mi"), "\(diff.stdout)")
        // Relative times count back from the bundle's newest sample, not today.
        let recent = Invocation.capture(["history", "--bundle", bundle, "--series", "meminfo.Slab", "--since", "-90m", "--json"], root: HistoryTool.self)
        let recentObject = try #require(try JSONSerialization.jsonObject(with: Data(recent.stdout.utf8)) as? [String: Any])
        #expect((recentObject["points"] as? [Any])?.count == 2)
        let past = Invocation.capture(["history", "--bundle", bundle, "--at", "-1h", "--json"], root: HistoryTool.self)
        #expect(past.exitCode == 0, "\(past.stderr)")
        #expect(past.stdout.contains("2026-11-25T01:00:00.000Z"))
        let relative = Invocation.capture(["diff", "2h", "now", "--bundle", bundle], root: HistoryTool.self)
        #expect(relative.stdout.contains("+200Mi"), "\(relative.stdout)")
        // A leading minus needs `--` before positional times (argument-parser reads it as an option).
        let dashed = Invocation.capture(["diff", "--bundle", bundle, "--", "-2h", "now"], root: HistoryTool.self)
        #expect(dashed.stdout.contains("+200Mi"), "\(dashed.stdout)")
    }
}
