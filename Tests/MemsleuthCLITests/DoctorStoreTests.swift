import Foundation
import HistoryStore
import KernelFiles
import MemoryModel
import Testing
import TestSupport

/// The real `memsleuth` binary reading the recorder's store: `doctor --db`
/// and `--at` (exec'd into memsleuth-history), and a plain `memsleuth`
/// finding the store `record` writes by default. Runs the binary as
/// `nobody` with its own XDG_STATE_HOME, so the machine's own
/// /var/lib/memsleuth is never touched.
@Suite(.enabled(if: getuid() == 0, "switching to nobody needs root"))
struct DoctorStoreTests {
    /// A state directory owned by nobody holding `memsleuth/history.sqlite`
    /// with three live samples dated 20, 10 and 5 minutes ago.
    static func stateDirectory() throws -> String {
        let directory = "/tmp/memsleuth-state-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory + "/memsleuth", withIntermediateDirectories: true)
        let store = try HistoryDatabase(path: directory + "/memsleuth/history.sqlite")
        let now = WallTime.now()
        for minutesAgo in [20, 10, 5] as [Int64] {
            var snapshot = SnapshotCollector(root: ProcRoot("/"), includeProcesses: false, includeCgroups: false).collect()
            snapshot.time = WallTime(seconds: now.seconds - minutesAgo * 60, nanoseconds: 0, monotonic: now.monotonic - Double(minutesAgo * 60))
            _ = try store.append(snapshot)
        }
        _ = try ExternalCommand.run("chown", ["-R", "65534:65534", directory])
        return directory
    }

    static func run(_ arguments: [String], state: String) throws -> ExternalCommand {
        try ExternalCommand.run("/usr/bin/env", ["XDG_STATE_HOME=\(state)", BuiltBinary.path] + arguments, asUser: "65534")
    }

    @Test func plainMemsleuthJudgesWithTheRecordersStore() throws {
        let state = try Self.stateDirectory()
        defer { try? FileManager.default.removeItem(atPath: state) }
        let withStore = try Self.run([], state: state)
        #expect([0, 1, 2].contains(withStore.exitCode), "\(withStore.stderr)")
        #expect(withStore.stdout.contains("History: 4 samples over 20 min"), "\(withStore.stdout.prefix(400))")

        let without = try Self.run(["--no-history"], state: state)
        #expect(!without.stdout.contains("History:"))
        #expect(without.stdout.hasPrefix("memsleuth doctor: "))
    }

    @Test func dbAndAtJudgeAStoredSample() throws {
        let state = try Self.stateDirectory()
        defer { try? FileManager.default.removeItem(atPath: state) }
        let db = state + "/memsleuth/history.sqlite"
        let at = try Self.run(["doctor", "--json", "--db", db, "--at", "-1m"], state: state)
        #expect([0, 1, 2].contains(at.exitCode), "\(at.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(at.stdout.utf8)) as? [String: Any])
        // The newest stored sample (5 minutes ago) judged, with the two before it.
        #expect(json["samples"] as? Int == 3)

        let missing = try Self.run(["doctor", "--db", state + "/nope.sqlite"], state: state)
        #expect(missing.exitCode == 1)
        #expect(missing.stderr.hasPrefix("memsleuth: no history store at \(state)/nope.sqlite"))

        let both = try Self.run(["doctor", "--db", db, "--no-history"], state: state)
        #expect(both.exitCode == 64)
    }
}
