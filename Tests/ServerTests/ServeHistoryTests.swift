import Foundation
import HistoryStore
import KernelFiles
import MemoryModel
import Testing
import TestSupport

/// The sources of history a server reads besides its own samples: a bundle
/// replayed as if it were a host (`--bundle --replay --speed`) and the
/// store (`--db`), with the recorded dentry storm (9 samples, 45 s apart).
@Suite(.serialized) struct ServeHistoryTests {
    static let storm = Fixtures.directory + "/workloads/dentry-storm.tar.gz"
    static let first = "2026-11-25T11:18:33.861Z"
    static let last = "2026-11-25T11:24:34.013Z"

    /// The value of a string member `"key": "…"` in a JSON text.
    static func string(_ key: String, in json: String) -> String? {
        guard let range = json.range(of: "\"\(key)\": \"") else { return nil }
        return String(json[range.upperBound...].prefix { $0 != "\"" })
    }

    static func points(_ json: String) -> Int { json.components(separatedBy: "\"value\":").count - 1 }

    /// At 120× the 6 minutes of samples pass in 3 s: the snapshot's time
    /// moves from the first sample to the last, the series grows sample by
    /// sample, and with 5+ minutes of history the growth families appear.
    @Test func replayAdvancesThroughTheSamples() throws {
        let server = try ServeProcess(["--bundle", Self.storm, "--replay", "--speed", "120"])
        defer { _ = server.terminate() }
        let start = try server.request("/api/v1/snapshot")
        #expect(Self.string("time", in: start.body) == Self.first)
        #expect(Self.string("hostname", in: start.body) == "vm", "the manifest's host")
        let early = Self.points(try server.request("/api/v1/series?name=meminfo.Slab").body)
        #expect(early <= 3)

        var times: Set<String> = []
        var snapshot = start.body
        for _ in 0..<100 where Self.string("time", in: snapshot) != Self.last {
            Thread.sleep(forTimeInterval: 0.1)
            snapshot = try server.request("/api/v1/snapshot").body
            if let time = Self.string("time", in: snapshot) { times.insert(time) }
        }
        #expect(Self.string("time", in: snapshot) == Self.last)
        #expect(times.count >= 4, "saw \(times.sorted())")
        let series = try server.request("/api/v1/series?name=meminfo.Slab").body
        #expect(Self.points(series) == 9)
        let metrics = try server.request("/metrics").body
        #expect(metrics.contains("memsleuth_slab_cache_growth_bytes_per_second{cache=\"dentry\"}"))
        let page = try server.request("/").body
        #expect(page.contains("<span class=\"host\">vm</span>"))
        #expect(!page.contains("unknown host"))
    }

    /// A store written with HistoryDatabase (the storm's samples moved to
    /// the last minutes, as `record` would have written them): the series
    /// route answers with the stored samples plus the live one, and the
    /// growth families come from them.
    @Test func storeHistoryFeedsSeriesAndTrends() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("serve-db-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory + "/bundle", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let untar = try ExternalCommand.run("tar", ["-xzf", Self.storm, "-C", directory + "/bundle"])
        #expect(untar.exitCode == 0, "\(untar.stderr)")
        let bundle = try BundleReader(directory: directory + "/bundle")
        let snapshots = bundle.snapshots(includeProcesses: false, includeCgroups: false)
        #expect(snapshots.count == 9)
        let database = try HistoryDatabase(path: directory + "/history.sqlite")
        let now = Int64(Date().timeIntervalSince1970)
        var firstTime = ""
        for (index, var snapshot) in snapshots.enumerated() {
            snapshot.time = WallTime(seconds: now - 600 + Int64(index) * 45, nanoseconds: 0, monotonic: 0)
            if index == 0 { firstTime = snapshot.time.rfc3339 }
            _ = try database.append(snapshot)
        }
        let server = try ServeProcess(["--db", directory + "/history.sqlite"])
        defer { _ = server.terminate() }
        let series = try server.request("/api/v1/series?name=dentry.nr_dentry")
        #expect(series.status == 200, "\(series.body)")
        #expect(Self.points(series.body) == 10, "9 stored and the live sample: \(series.body.prefix(400))")
        #expect(series.body.contains("\"time\": \"\(firstTime)\""))
        let recent = try server.request("/api/v1/series?name=dentry.nr_dentry&since=5m").body
        #expect(Self.points(recent) < 10)
        let metrics = try server.request("/metrics").body
        #expect(metrics.contains("# HELP memsleuth_slab_cache_growth_bytes_per_second "))
    }
}
