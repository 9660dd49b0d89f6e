#if canImport(Glibc)
import Glibc
#endif
import Foundation
import KernelFiles
import MemoryModel
import Testing
import TestSupport

/// `fix drop-caches --level 2 --apply` on this machine's real kernel, as
/// root: after making ~200 000 negative dentries (access(2) on names that
/// do not exist, as the incident's NSS probe did), the dentries it reports
/// freed agree within 10 % with what /proc/slabinfo's dentry row lost.
/// Dropping dentries and inodes costs only a CPU burst; level 3 is not run.
@Suite(.serialized, .enabled(if: getuid() == 0, "drop_caches needs root"))
struct FixLiveTests {
    /// slabtop's CACHE SIZE of the dentry row: num_slabs × pagesperslab × page size.
    static func dentrySlabBytes() throws -> (bytes: Int64, objects: Int64) {
        // Through cat: Foundation trusts the size stat gives /proc files.
        let text = try ExternalCommand.run("cat", ["/proc/slabinfo"]).stdout
        let row = try #require(text.split(separator: "\n").first { $0.hasPrefix("dentry ") })
        let fields = row.split(whereSeparator: { $0 == " " || $0 == ":" }).map(String.init)
        // name active num objsize objperslab pagesperslab tunables l b s slabdata active_slabs num_slabs shared
        let pagesPerSlab = try #require(Int64(fields[5]))
        let numSlabs = try #require(Int64(fields[fields.count - 2]))
        return (numSlabs * pagesPerSlab * Int64(sysconf(Int32(_SC_PAGESIZE))), try #require(Int64(fields[1])))
    }

    static func makeNegativeDentries(_ count: Int, in directory: String) {
        for index in 0..<count { _ = access(directory + "/nss-probe-\(index)", F_OK) }
    }

    @Test func levelTwoFreesTheDentriesItMadeAndReportsTheSlabChange() throws {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("fix-live-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: work) }
        Self.makeNegativeDentries(200_000, in: work)
        let before = try Self.dentrySlabBytes()
        // --force: this test's own log is empty, but another drop on the
        // machine must not make it flaky through a shared log either.
        let result = try ExternalCommand.run(BuiltBinary.path, [
            "fix", "drop-caches", "--level", "2", "--apply", "--force", "--json", "--log-dir", work + "/log",
        ])
        let after = try Self.dentrySlabBytes()
        try #require(result.exitCode == 0, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let freed = try #require(object["freed"] as? [String: Any])
        let reported = try #require(freed["dentries_bytes"] as? Int64)
        let slabChange = before.bytes - after.bytes
        // 200 000 dentries of 192 bytes: at least ~35 MiB must have gone.
        #expect(before.objects - after.objects >= 180_000, "objects \(before.objects) -> \(after.objects)")
        #expect(slabChange > 30 << 20)
        #expect(abs(Double(reported - slabChange)) <= 0.10 * Double(slabChange),
                "reported \(reported) vs slabinfo \(slabChange)")
        let log = try String(contentsOfFile: work + "/log/actions.jsonl", encoding: .utf8)
        #expect(log.split(separator: "\n").count == 1)
        #expect(log.contains(#""action":"drop-caches","arguments":["--level","2","--force"]"#))
    }

    /// The regrowth watch sees a storm of new negative dentries as regrowth.
    @Test func watchSeesRegrowthWhileTheCauseRuns() throws {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("fix-watch-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: work) }
        let storm = Thread {
            for round in 0..<40 {
                for index in 0..<5_000 { _ = access(work + "/probe-\(round)-\(index)", F_OK) }
                usleep(50_000)
            }
        }
        storm.start()
        let result = try ExternalCommand.run(BuiltBinary.path, ["fix", "--watch", "2s", "--every", "100ms", "--json"])
        #expect(result.exitCode == 0, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["verdict"] as? String == "regrowing", "\(result.stdout)")
        #expect(object["cause_still_running"] as? Bool == true)
        while !storm.isFinished { usleep(50_000) }
    }
}
