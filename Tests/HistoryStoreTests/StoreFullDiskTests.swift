import GRDB
import HistoryStore
import MemoryModel
import Testing
import TestSupport

/// A store that cannot grow (SQLITE_FULL, as on a full disk): a failed
/// append leaves nothing behind — no sample, and no cached id for rows the
/// rollback removed — so the next append, once space returns, succeeds.
@Suite struct StoreFullDiskTests {
    @Test func anAppendRolledBackByAFullDiskLeavesTheStoreWritable() throws {
        let snapshot = SnapshotCollector(root: Fixtures.kernel("linux-5.15-ubuntu22"), includeProcesses: false).collect()
        let store = try HistoryDatabase(writer: DatabaseQueue())
        let pages = try store.writer.read { db in try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0 }
        try store.writer.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA max_page_count = \(pages)") }
        do {
            try store.append(snapshot)
            Issue.record("the first sample (host, series names, values) fitted in \(pages) pages: the test no longer fills the store")
        } catch {
            #expect(HistoryDatabase.isTransient(error), "\(error)")
        }
        #expect(try store.samples().isEmpty)
        try store.writer.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA max_page_count = 1073741823") }
        // Before the fix the host's rolled-back id stayed cached: this append
        // failed on the foreign key, and the recorder stopped.
        let id = try store.append(snapshot)
        #expect(try store.samples().map(\.id) == [id])
        #expect(try store.snapshot(sampleID: id)?.host.kernelRelease == snapshot.host.kernelRelease)
        let check = try store.writer.read { db in try String.fetchAll(db, sql: "PRAGMA foreign_key_check") }
        #expect(check.isEmpty)
    }
}
