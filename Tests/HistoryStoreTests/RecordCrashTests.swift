import Foundation
import GRDB
import HistoryStore
import Testing
import TestSupport

/// The real `memsleuth record` process, killed with SIGKILL at random
/// moments: the store must open, pass integrity_check, and have lost at
/// most the sample in flight.
@Suite(.serialized) struct RecordCrashTests {
    static let binary = BuiltBinary.path
    static var hasBinary: Bool { FileManager.default.isExecutableFile(atPath: binary) }

    static func sampleCount(_ path: String) throws -> Int {
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        return try queue.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM sample") ?? 0 }
    }

    static func start(_ path: String) throws -> Foundation.Process {
        let process = Foundation.Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["record", "--interval", "100ms", "--db", path, "--top", "5"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = Pipe()
        try process.run()
        return process
    }

    @Test(.enabled(if: hasBinary, "needs .build/debug/memsleuth (swift build)"))
    func killNineAtRandomMomentsLosesAtMostTheSampleInFlight() throws {
        let directory = NSTemporaryDirectory() + "memsleuth-crash-\(UUID().uuidString)"
        let path = directory + "/history.sqlite"
        var generator = SystemRandomNumberGenerator()
        var total = 0
        for round in 0..<20 {
            let process = try Self.start(path)
            // Start-up (exec of memsleuth-history, opening the store) takes
            // longer on a loaded machine: wait for this round's first sample,
            // then kill at a random moment of the sampling loop.
            var waited = 0
            while ((try? Self.sampleCount(path)) ?? 0) <= total && waited < 200 { usleep(50_000); waited += 1 }
            usleep(UInt32.random(in: 0...300_000, using: &generator))
            // Read while it writes (WAL: the reader does not block it), then kill.
            let before = (try? Self.sampleCount(path)) ?? 0
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            #expect(process.terminationReason == .uncaughtSignal, "round \(round)")

            let store = try HistoryDatabase(path: path)
            let check = try store.writer.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
            #expect(check == ["ok"], "round \(round)")
            let after = try store.samples()
            #expect(after.count >= before, "round \(round): \(before) samples seen before the kill, \(after.count) after")
            #expect(after.count >= total, "round \(round): samples of earlier rounds lost")
            if let last = after.last { #expect(try store.snapshot(sampleID: last.id)?.meminfo != nil) }
            total = after.count
        }
        #expect(total >= 20)
        try? FileManager.default.removeItem(atPath: directory)
    }

    @Test(.enabled(if: hasBinary, "needs .build/debug/memsleuth (swift build)"))
    func sigtermFinishesTheSampleAndExitsZero() throws {
        let directory = NSTemporaryDirectory() + "memsleuth-term-\(UUID().uuidString)"
        let path = directory + "/history.sqlite"
        let process = try Self.start(path)
        usleep(600_000)
        kill(process.processIdentifier, SIGTERM)
        // Never hang the suite: a recorder still running 10 s later has failed.
        for _ in 0..<100 where process.isRunning { usleep(100_000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            Issue.record("record did not stop on SIGTERM within 10 s")
        }
        process.waitUntilExit()
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 0)
        let stderr = (process.standardError as? Pipe)?.fileHandleForReading.readDataToEndOfFile() ?? Data()
        #expect(String(decoding: stderr, as: UTF8.self).contains("stopped after"))
        #expect(try Self.sampleCount(path) >= 1)
        try? FileManager.default.removeItem(atPath: directory)
    }
}
