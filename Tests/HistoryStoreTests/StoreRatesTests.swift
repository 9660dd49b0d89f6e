import GRDB
import HistoryStore
import KernelFiles
import MemoryModel
import Rendering
#if canImport(Glibc)
import Glibc
#endif
import Testing

/// Rates are derived from two samples on read: two live snapshots, stored
/// and replayed, give the same vmstat rate row and slabtop growth as the
/// live pair (growth divides by the sample's monotonic time, kept to the µs).
@Suite struct StoreRatesTests {
    @Test func vmstatRatesAndSlabGrowthReplayAsLive() throws {
        let collector = SnapshotCollector(root: ProcRoot("/"), includeProcesses: false, includeCgroups: false)
        let first = collector.collect()
        usleep(300_000)
        let second = collector.collect()
        let store = try HistoryDatabase(writer: DatabaseQueue())
        let a = try #require(try store.snapshot(sampleID: try store.append(first)))
        let b = try #require(try store.snapshot(sampleID: try store.append(second)))

        func rates(_ x: Snapshot, _ y: Snapshot) -> String? {
            guard let before = x.vmstatSample, let after = y.vmstatSample else { return nil }
            return VmstatView.json(VmstatRow.between(before, after, delay: 1, pageSize: y.pageSizeBytes, unit: .bytes)).rendered()
        }
        let liveRates = try #require(rates(first, second))
        #expect(rates(a, b) == liveRates)

        // Growth: the replayed pair's time is the sample's, not the slab read's,
        // so compare objects changed, which do not depend on the clock.
        let liveTable = try #require(second.slabTable(previous: first))
        let replayTable = try #require(b.slabTable(previous: a))
        #expect(liveTable.rows.map(\.cache) == replayTable.rows.map(\.cache))
        #expect(liveTable.rows.map { $0.growth == nil } == replayTable.rows.map { $0.growth == nil })
        for (live, replay) in zip(liveTable.rows, replayTable.rows) {
            guard let l = live.growth?.objectsPerSecond, let r = replay.growth?.objectsPerSecond else { continue }
            #expect((l == 0) == (r == 0))
            #expect((l > 0) == (r > 0))
        }
    }
}
