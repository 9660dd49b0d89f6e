import Foundation
import Testing
import TestSupport

/// The built binary run as an unprivileged user (`nobody`, uid and gid 65534), for real: the
/// tool must still answer and say what it could not read and why. Needs
/// root to switch users; CI runs as root.
@Suite(.enabled(if: getuid() == 0, "switching to nobody needs root"))
struct UnprivilegedTests {
    @Test func meminfoWorksWithoutRoot() throws {
        let result = try ExternalCommand.run(BuiltBinary.path, ["meminfo", "--json"], asUser: "65534")
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(result.stdout.contains("\"MemTotal\""))
    }

    @Test func slabtopSaysSlabDataNeedsRoot() throws {
        let result = try ExternalCommand.run(BuiltBinary.path, ["slabtop", "--once"], asUser: "65534")
        #expect(result.exitCode == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr == "memsleuth: cannot read /proc/slabinfo: permission denied (slab data needs root; run with sudo or grant CAP_SYS_ADMIN)\n")
    }

    @Test func snapshotListsWhatItCouldNotRead() throws {
        let result = try ExternalCommand.run(BuiltBinary.path, ["snapshot"], asUser: "65534")
        #expect(result.exitCode == 0, "\(result.stderr)")
        let document = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        let unavailable = try #require(document?["unavailable"] as? [[String: Any]])
        let slab = unavailable.first { $0["source"] as? String == "/proc/slabinfo" }
        #expect(slab?["reason"] as? String == "permission denied")
        #expect((slab?["remedy"] as? String)?.contains("root") == true)
        #expect(document?["meminfo"] is [String: Any])
    }

    @Test func usageErrorsExit64() throws {
        let result = try ExternalCommand.run(BuiltBinary.path, ["free", "--no-such-flag"], asUser: "65534")
        #expect(result.exitCode == 64)
    }

    /// Every system-wide view answers without root, exit 0.
    @Test(arguments: [["free"], ["vmstat"], ["vmstat", "-s"], ["dcache"], ["numa"], ["buddy"], ["meminfo"],
                      ["cgroups"], ["free", "--json"], ["buddy", "--json"], ["numa", "--json"]])
    func viewsAnswerWithoutRoot(_ arguments: [String]) throws {
        let result = try ExternalCommand.run(BuiltBinary.path, arguments, asUser: "65534")
        #expect(result.exitCode == 0, "\(arguments): \(result.stderr)")
        #expect(!result.stdout.isEmpty)
    }

    /// pagetypeinfo is root-only since 5.6: buddy still answers and says so.
    @Test func buddySaysWhatItCouldNotRead() throws {
        let result = try ExternalCommand.run(BuiltBinary.path, ["buddy"], asUser: "65534")
        #expect(result.exitCode == 0)
        #expect(result.stdout.contains("/proc/pagetypeinfo: permission denied"))
    }

    /// Other users' processes: counted and explained, own processes shown.
    @Test func psShowsOwnProcessesAndCountsTheRest() throws {
        let result = try ExternalCommand.run(BuiltBinary.path, ["ps"], asUser: "65534")
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(result.stdout.contains("nobody"))
        #expect(result.stdout.contains("unreadable:"))
        #expect(result.stdout.contains("other users' processes need root"))
    }
}
