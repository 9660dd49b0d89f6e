import GRDB
#if canImport(Glibc)
import Glibc
#endif
import HistoryStore
import KernelFiles
import MemoryModel
import Testing

/// Bytes per sample on this machine's live snapshots: values are written
/// only when they changed, so after the first sample a store grows by the
/// values that moved. Taken 200 ms apart here (fewer values move than in
/// the recorder's 10 s; the report gives the 10-s figure from a real run),
/// so the bound is loose: it catches a regression to full rows per sample
/// (~3,600 values, ~50 KB), not a few percent.
@Suite struct StoreSizeTests {
    @Test func aLiveSampleAfterTheFirstCostsAFewKilobytes() throws {
        let store = try HistoryDatabase(writer: DatabaseQueue())
        let collector = SnapshotCollector(root: ProcRoot("/"), includeProcesses: true, includeCgroups: true)
        var selection = ProcessSelection(top: 20)
        func size() throws -> Int {
            try store.writer.read { db in
                (try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0) * (try Int.fetchOne(db, sql: "PRAGMA page_size") ?? 0)
            }
        }
        func record() throws {
            let snapshot = collector.collect()
            try store.append(snapshot, processes: snapshot.processes.map { selection.pick($0) } ?? [])
        }
        try record()
        let first = try size()
        let samples = 10
        for _ in 0..<samples {
            usleep(200_000)
            try record()
        }
        let perSample = (try size() - first) / samples
        let valuesPerSample = try store.writer.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM value WHERE sample_id > 1") ?? 0
        } / samples
        #expect(perSample < 8_192, "\(perSample) bytes per sample (\(valuesPerSample) values) after a first of \(first)")
        #expect(valuesPerSample < 1_000)
    }
}
