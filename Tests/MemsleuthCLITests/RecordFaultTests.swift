import Foundation
import GRDB
import HistoryStore
@testable import HistoryCLI
@testable import MemsleuthCLI
import KernelFiles
import Testing
import TestSupport

/// `memsleuth record` when the store cannot take samples for a while: a
/// full disk is SQLite's SQLITE_FULL, which `PRAGMA max_page_count` gives
/// deterministically (scripts/fault-disk-full does it with a real full
/// tmpfs). The recorder keeps sampling, drops and counts, logs once, and
/// writes again when space returns; the store stays intact.
@Suite(.serialized) struct RecordFaultTests {
    static let root = Fixtures.kernelPath("linux-5.15-ubuntu22")

    /// A copy of a fixture kernel whose meminfo changes every sample (every
    /// figure + `step` kB), so each sample stores ~50 new values and needs
    /// pages the full store does not have.
    final class MovingRoot {
        let path = NSTemporaryDirectory() + "memsleuth-moving-\(UUID().uuidString)"
        let lines: [String]

        init() throws {
            try FileManager.default.copyItem(atPath: RecordFaultTests.root, toPath: path)
            lines = try String(contentsOfFile: path + "/proc/meminfo", encoding: .utf8).split(separator: "\n").map(String.init)
        }

        func step(_ step: Int) {
            let text = lines.map { line -> String in
                let parts = line.split(separator: " ", omittingEmptySubsequences: true)
                guard parts.count >= 2, let value = Int(parts[1]) else { return line }
                return ([String(parts[0]), String(value + step)] + parts.dropFirst(2).map(String.init)).joined(separator: " ")
            }.joined(separator: "\n") + "\n"
            FileManager.default.createFile(atPath: path + "/proc/meminfo", contents: Data(text.utf8))
        }

        deinit { try? FileManager.default.removeItem(atPath: path) }
    }

    static func pageCount(_ store: HistoryDatabase) throws -> Int {
        try store.writer.read { db in try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0 }
    }

    static func limitPages(_ store: HistoryDatabase, to pages: Int) throws {
        try store.writer.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA max_page_count = \(pages)") }
    }

    @Test func aFullStoreDropsCountsLogsOnceAndRecovers() throws {
        let directory = NSTemporaryDirectory() + "memsleuth-full-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/history.sqlite"
        let store = try HistoryDatabase(path: path)
        let moving = try MovingRoot()
        let out = CapturedText()
        let err = CapturedText()
        var frames = 0
        var pagesWhenFull = 0
        // Frame 2: the "disk" is full (no page beyond those it has); frame
        // 30: space returns. 40 samples in all.
        let context = CommandContext(
            environment: CommandEnvironment(), out: out.sink, err: err.sink,
            sleep: { _ in
                frames += 1
                moving.step(frames)
                if frames == 2 {
                    pagesWhenFull = (try? Self.pageCount(store)) ?? 0
                    try? Self.limitPages(store, to: pagesWhenFull)
                }
                if frames == 30 { try? Self.limitPages(store, to: 1 << 30) }
            })
        var request = RecordRequest(
            root: moving.path, intervalNanoseconds: 1_000_000, db: path, retentionNanoseconds: 14 * 86_400_000_000_000,
            top: 20, count: 40, quiet: false)
        request.progressEvery = 1000
        try request.record(into: store, path: path, root: ProcRoot(moving.path), context)

        let samples = try store.samples()
        let dropped = 40 - samples.count
        #expect(dropped > 0, "the store never filled: \(err.text)")
        #expect(dropped <= 28, "samples after space returned were dropped too: \(err.text)")
        let lines = err.text.split(separator: "\n")
        #expect(lines.filter { $0.contains("cannot write to") }.count == 1, "\(err.text)")
        #expect(lines.contains { $0.contains("database or disk is full") }, "\(err.text)")
        #expect(lines.contains { $0.contains("writing to \(path) again; \(dropped) samples dropped") }, "\(err.text)")
        #expect(lines.last?.contains("stopped after 40 samples (\(dropped) dropped") == true, "\(err.text)")
        // Nothing corrupt, and the samples after recovery replay.
        let check = try store.writer.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
        #expect(check == ["ok"])
        let last = try #require(samples.last)
        #expect(try store.snapshot(sampleID: last.id)?.meminfo != nil)
        // Reopened, the store has what was written.
        #expect(try HistoryDatabase(path: path).samples().count == samples.count)
    }

    @Test func aReadOnlyStoreStillStopsTheRecorder() throws {
        let store = try HistoryDatabase(writer: DatabaseQueue())
        try store.writer.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA query_only = 1") }
        let result = CapturedText()
        let context = CommandContext(environment: CommandEnvironment(), out: CapturedText().sink, err: result.sink, sleep: { _ in })
        let request = RecordRequest(
            root: Self.root, intervalNanoseconds: 1_000_000, db: ":memory:", retentionNanoseconds: 1_000_000_000,
            top: 5, count: 3, quiet: true)
        #expect(throws: CommandFailure.self) {
            try request.record(into: store, path: ":memory:", root: ProcRoot(Self.root), context)
        }
    }
}
