import Foundation
import GRDB
import HistoryStore
import KernelFiles
import MemoryModel
import Rendering
import Testing
import TestSupport

/// The doctor rebuilds its history samples with `series: .trends`: every
/// figure growth is judged on must come back as the full rebuild has it,
/// and only the slab caches' fact columns may be missing.
@Suite struct StoreTrendSelectionTests {
    @Test(arguments: Fixtures.kernelNames)
    func trendSamplesKeepWhatGrowthReads(_ kernel: String) throws {
        let live = SnapshotCollector(root: Fixtures.kernel(kernel), includeProcesses: false).collect()
        let store = try HistoryDatabase(writer: DatabaseQueue())
        let id = try store.append(live)
        let full = try #require(try store.snapshots(sampleIDs: [id], series: .all).first ?? nil)
        let trends = try #require(try store.snapshots(sampleIDs: [id], series: .trends).first ?? nil)

        #expect(trends.meminfo == full.meminfo, "\(kernel)")
        #expect(DcacheView.json(trends.dcache).rendered() == DcacheView.json(full.dcache).rendered(), "\(kernel)")
        #expect(trends.vmstat?.vmstat.pswpinPages == full.vmstat?.vmstat.pswpinPages)
        #expect(trends.time == full.time)
        func sizes(_ s: Snapshot) -> [String] {
            (s.slab?.slabinfo.caches ?? []).map {
                "\($0.name) \($0.activeObjs) \($0.numObjs) \($0.objSize) \(SlabTable.cacheSize($0, pageSize: s.pageSizeBytes))"
            }.sorted()
        }
        #expect(sizes(trends) == sizes(full), "\(kernel)")
        #expect((full.slab == nil) == (trends.slab == nil))
        // What is left out: the /sys/kernel/slab directory and reclaim flags.
        if full.slab != nil {
            #expect(trends.slab?.directory == nil)
            #expect(trends.slab?.reclaimable.isEmpty == true)
        }
    }

    /// A store opened again appends only what changed: the series' last
    /// values, no longer loaded on open, are read on the first append.
    @Test func aReopenedStoreStillAppendsOnlyChanges() throws {
        let path = NSTemporaryDirectory() + "memsleuth-reopen-\(UUID().uuidString).sqlite"
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let live = SnapshotCollector(root: Fixtures.kernel(Fixtures.kernelNames[0]), includeProcesses: false).collect()
        _ = try HistoryDatabase(path: path).append(live)
        let reopened = try HistoryDatabase(path: path)
        let second = try reopened.append(live)
        let rows = try reopened.writer.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM value WHERE sample_id = ?", arguments: [second])
        }
        #expect(rows == 0)
        #expect(try reopened.snapshot(sampleID: second)?.meminfo == live.meminfo)
    }
}
