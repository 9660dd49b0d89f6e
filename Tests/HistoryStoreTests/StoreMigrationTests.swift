import GRDB
import HistoryStore
#if canImport(Glibc)
import Glibc
#endif
import MemoryModel
import Testing
import TestSupport

@Suite struct StoreMigrationTests {
    static func temporaryPath(_ name: String) -> String {
        var template = Array("/tmp/memsleuth-store-XXXXXX".utf8CString)
        let directory = template.withUnsafeMutableBufferPointer { buffer -> String in
            guard let base = buffer.baseAddress, let made = mkdtemp(base) else { return "/tmp" }
            return String(cString: made)
        }
        return directory + "/" + name
    }

    @Test func anEmptyDatabaseIsMigratedToTheCurrentSchema() throws {
        // Given an empty in-memory database, when the store opens it,
        let store = try HistoryDatabase(writer: DatabaseQueue())
        // then it is at the current version with every table.
        #expect(try store.schemaVersion() == HistorySchema.version)
        let tables = try store.writer.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        }
        for table in ["attribution", "host", "process", "process_sample", "rollup", "sample", "series_name", "value"] {
            #expect(tables.contains(table))
        }
        #expect(HistorySchema.migrations.count == HistorySchema.version)
    }

    @Test func aFileStoreIsInWALModeAndReopens() throws {
        let path = Self.temporaryPath("history.sqlite")
        let snapshot = SnapshotCollector(root: Fixtures.kernel("linux-5.15-ubuntu22"), includeProcesses: false).collect()
        do {
            let store = try HistoryDatabase(path: path)
            let mode = try store.writer.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
            #expect(mode == "wal")
            try store.append(snapshot)
        }
        // Reopened: the delta cache is rebuilt from the file, so an unchanged
        // snapshot writes no values and still replays whole.
        let store = try HistoryDatabase(path: path)
        let id = try store.append(snapshot)
        #expect(try store.snapshot(sampleID: id)?.meminfo == snapshot.meminfo)
        let written = try store.writer.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM value WHERE sample_id = ?", arguments: [id])
        }
        #expect(written == 0)
    }

    @Test func aStoreFromANewerMemsleuthIsRefused() throws {
        let path = Self.temporaryPath("newer.sqlite")
        do {
            let queue = try DatabaseQueue(path: path)
            try queue.write { db in try db.execute(sql: "PRAGMA user_version = 99") }
        }
        #expect {
            _ = try HistoryDatabase(path: path)
        } throws: { error in
            (error as? HistoryStoreError)?.message
                == "\(path) was written by a newer memsleuth (schema 99); upgrade memsleuth or use another --db"
        }
    }
}
