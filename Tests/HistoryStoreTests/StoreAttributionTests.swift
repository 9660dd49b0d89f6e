import GRDB
import HistoryStore
import KernelFiles
import MemoryModel
import Testing
import TestSupport

/// The `attribution` table (schema v2, `record --trace-on-growth`): round
/// trip in a file store as `record` opens it (WAL pool), the migration of a
/// v1 store written before the table existed, and maintenance keeping an
/// attribution on the sample that stands for its bucket.
@Suite struct StoreAttributionTests {
    static let second = StoreMaintenanceTests.second
    static let report = #"{"cache":"dentry","groups":[{"command":"nss-probe","kept":2000}]}"#

    @Test func roundTripInAFileStore() throws {
        let path = StoreMigrationTests.temporaryPath("history.sqlite")
        let start = 1_800_000_000 * Self.second
        do {
            let store = try HistoryDatabase(path: path)
            let first = try store.append(StoreMaintenanceTests.snapshot(at: start, memFree: 1 << 30, pgfault: 1))
            let second = try store.append(StoreMaintenanceTests.snapshot(at: start + 10 * Self.second, memFree: 1 << 30, pgfault: 2))
            try store.appendAttribution(sampleID: first, cache: "dentry", tracedNanoseconds: start + 5 * Self.second,
                                        durationMilliseconds: 5000, headline: "92 % of new dentry objects come from `curl`",
                                        report: Self.report)
            try store.appendAttribution(sampleID: second, cache: "kmalloc-64", tracedNanoseconds: start + 12 * Self.second,
                                        durationMilliseconds: 2000, headline: nil, report: "{}")
        }
        // Reopened, as a reader (the doctor) does:
        let store = try HistoryDatabase(path: path)
        let all = try store.attributions()
        #expect(all.map(\.cache) == ["dentry", "kmalloc-64"])
        let dentry = try #require(all.first)
        #expect(dentry.sampleTimeNanoseconds == start)
        #expect(dentry.tracedNanoseconds == start + 5 * Self.second)
        #expect(dentry.durationMilliseconds == 5000)
        #expect(dentry.headline == "92 % of new dentry objects come from `curl`")
        #expect(dentry.report == Self.report)
        #expect(all.last?.headline == nil, "nothing kept: no headline")
        // The window is by the sample's time, both ends included.
        #expect(try store.attributions(from: start + Self.second, to: start + 10 * Self.second).map(\.cache) == ["kmalloc-64"])
        #expect(try store.attributions(from: .min, to: start - 1).isEmpty)
    }

    @Test func latestPerCacheIsTheNewest() throws {
        let store = try HistoryDatabase(writer: DatabaseQueue())
        let start = 1_800_000_000 * Self.second
        var ids: [Int64] = []
        for i in 0..<3 {
            ids.append(try store.append(StoreMaintenanceTests.snapshot(at: start + Int64(i) * 10 * Self.second, memFree: 1 << 30,
                                                                       pgfault: UInt64(i + 1))))
        }
        for (index, id) in ids.enumerated() {
            try store.appendAttribution(sampleID: id, cache: "dentry", tracedNanoseconds: start, durationMilliseconds: 1000,
                                        headline: "take \(index)", report: "{}")
        }
        try store.appendAttribution(sampleID: ids[0], cache: "inode_cache", tracedNanoseconds: start, durationMilliseconds: 1000,
                                    headline: "inodes", report: "{}")
        let latest = try store.latestAttributions(from: .min, to: .max)
        #expect(latest.map(\.headline) == ["inodes", "take 2"])
    }

    /// A store written by the previous release (schema 1: the v1 migration
    /// alone, recorded under GRDB's identifier "v1", with a sample in it) is
    /// migrated in place when opened as `record` opens it; its sample stays
    /// and can carry an attribution.
    @Test func aVersion1StoreIsMigrated() throws {
        let path = StoreMigrationTests.temporaryPath("v1.sqlite")
        do {
            let pool = try DatabasePool(path: path)
            var migrator = DatabaseMigrator()
            let v1 = HistorySchema.migrations[0]
            #expect(v1.identifier == "v1")
            migrator.registerMigration(v1.identifier) { db in try db.execute(sql: v1.sql) }
            try migrator.migrate(pool)
            try pool.write { db in
                try db.execute(sql: """
                    INSERT INTO host (id, hostname, kernel, page_size, page_size_source, clock_ticks, slabinfo_version, slabinfo_statistics)
                    VALUES (1, 'old', '6.1.0', 4096, 'sysconf', 100, '2.1', 0);
                    INSERT INTO sample (id, time_ns, monotonic_us, host_id) VALUES (1, 1700000000000000000, 5, 1);
                    """)
            }
            #expect(try pool.read { db in try Int.fetchOne(db, sql: "PRAGMA user_version") } == 1)
        }
        let store = try HistoryDatabase(path: path)
        #expect(try store.schemaVersion() == HistorySchema.version)
        let applied = try store.writer.read { db in try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY identifier") }
        #expect(applied == ["v1", "v2"])
        let old = try #require(try store.samples().first)
        #expect(old.timeNanoseconds == 1_700_000_000_000_000_000)
        try store.appendAttribution(sampleID: old.id, cache: "dentry", tracedNanoseconds: 1, durationMilliseconds: 1,
                                    headline: "h", report: "{}")
        #expect(try store.attributions().map(\.sampleID) == [old.id])
        let snapshot = SnapshotCollector(root: Fixtures.kernel("linux-6.18-sandbox"), includeProcesses: false).collect()
        let id = try store.append(snapshot)
        #expect(try store.snapshot(sampleID: id)?.meminfo == snapshot.meminfo)
    }

    @Test func downsamplingKeepsAnAttributionOnTheBucketsSampleAndRetentionDeletesIt() throws {
        // Given two minutes of 10-s samples two days old, an attribution on the second,
        let store = try HistoryDatabase(writer: DatabaseQueue())
        let now = 1_800_000_000 * Self.second
        let start = now - 2 * StoreMaintenanceTests.day - (now % (60 * Self.second))
        try StoreMaintenanceTests.record(store, start: start)
        let second = try store.samples()[1]
        try store.appendAttribution(sampleID: second.id, cache: "dentry", tracedNanoseconds: start, durationMilliseconds: 1,
                                    headline: "h", report: "{}")
        // when downsampled to one sample per minute,
        try store.downsample(now: now)
        // then it sits on the first minute's kept sample,
        let samples = try store.samples()
        #expect(try store.attributions().map(\.sampleID) == [samples[0].id])
        // and goes when that sample is deleted by retention.
        try store.prune(before: samples[1].timeNanoseconds)
        #expect(try store.attributions().isEmpty)
        #expect(try store.writer.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM attribution") } == 0)
    }
}
