import Foundation
import HistoryStore
@testable import HistoryCLI
@testable import MemsleuthCLI
import Testing
import TestSupport

/// `memsleuth record` in-process (waiting is instant under `capture`).
@Suite struct RecordCommandTests {
    static func temporaryDirectory() -> String {
        NSTemporaryDirectory() + "memsleuth-record-\(UUID().uuidString)"
    }

    @Test(arguments: [
        ("500ms", Int64(500_000_000)), ("10s", 10_000_000_000), ("5m", 300_000_000_000),
        ("2h", 7_200_000_000_000), ("14d", 1_209_600_000_000_000),
    ])
    func durationsParse(_ text: String, _ nanoseconds: Int64) {
        #expect(CommandDuration.nanoseconds(text) == nanoseconds)
    }

    @Test(arguments: ["", "10", "s", "0s", "-5s", "1.5s", "10 s", "5w", "99999999999999d", "1e3ms"])
    func badDurationsAreRefused(_ text: String) {
        #expect(CommandDuration.nanoseconds(text) == nil)
        let result = Invocation.capture(["record", "--interval", text, "--db", "/nonexistent/x.sqlite"], root: HistoryTool.self)
        #expect(result.exitCode == 64)
        #expect(result.stderr.contains("--interval"))
    }

    @Test func recordsCountSamplesOfAFixtureIntoANewDirectory() throws {
        let directory = Self.temporaryDirectory()
        let path = directory + "/nested/history.sqlite"
        let root = Fixtures.kernelPath("linux-4.19-debian10")
        let result = Invocation.capture(["record", "--root", root, "--db", path, "--count", "3", "--interval", "500ms"], root: HistoryTool.self)
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("stopped after 3 samples"))
        let store = try HistoryDatabase(path: path)
        let samples = try store.samples()
        #expect(samples.count == 3)
        let replay = try #require(try store.snapshot(sampleID: samples[2].id))
        #expect(replay.host.kernelRelease == "4.19.0-27-amd64")
        #expect(replay.meminfo != nil)
        try? FileManager.default.removeItem(atPath: directory)
    }

    @Test func quietPrintsNothingAndSigintLikeStopEndsCleanly() throws {
        let directory = Self.temporaryDirectory()
        let result = Invocation.capture(
            ["record", "--root", Fixtures.kernelPath("linux-5.15-ubuntu22"), "--db", directory + "/h.sqlite", "--quiet",
             "--interval", "1s"],
            maxFrames: 2, root: HistoryTool.self)
        #expect(result.exitCode == 0)
        #expect(result.stderr.isEmpty)
        #expect(try HistoryDatabase(path: directory + "/h.sqlite").samples().count == 2)
        try? FileManager.default.removeItem(atPath: directory)
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/sqlite3"), "needs the sqlite3 CLI"))
    func aStoreFromANewerMemsleuthIsAOneLineFailure() throws {
        let directory = Self.temporaryDirectory()
        let path = directory + "/h.sqlite"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let task = Foundation.Process()
        task.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        task.arguments = [path, "PRAGMA user_version = 7"]
        try task.run()
        task.waitUntilExit()
        let result = Invocation.capture(["record", "--db", path, "--count", "1"], root: HistoryTool.self)
        #expect(result.exitCode == 1)
        #expect(result.stderr == "memsleuth: \(path) was written by a newer memsleuth (schema 7); upgrade memsleuth or use another --db\n")
        try? FileManager.default.removeItem(atPath: directory)
    }
}
