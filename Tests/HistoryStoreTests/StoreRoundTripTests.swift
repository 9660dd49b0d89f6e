import GRDB
import HistoryStore
import KernelFiles
import MemoryModel
import Rendering
import Testing
import TestSupport

/// Given a snapshot of a fixture kernel, when it is stored and replayed,
/// then every view renders the same JSON from the replay as from the live
/// snapshot ("raw in the store, derived on read").
@Suite struct StoreRoundTripTests {
    static func views(_ s: Snapshot) -> [String: String] {
        [
            "meminfo": s.meminfo.map { MeminfoView.json($0).rendered() } ?? "null",
            "free": s.free.map { FreeView.json($0).rendered() } ?? "null",
            "slabtop": s.slabTable().map { table in
                SlabtopView.json(table, version: s.slab?.slabinfo.version ?? .v2_1, unavailable: s.slab?.unavailable ?? []).rendered()
            } ?? "null",
            "dcache": DcacheView.json(s.dcache).rendered(),
            "vmstat": s.vmstatRow(unit: .bytes).map { VmstatView.json($0).rendered() } ?? "null",
            "pressure": VmstatView.pressure(s.pressure).rendered(),
            "cgroups": s.cgroups.map { CgroupView.json($0).rendered() } ?? "null",
        ]
    }

    @Test(arguments: Fixtures.kernelNames)
    func replayRendersWhatLiveRendered(_ kernel: String) throws {
        let live = SnapshotCollector(root: Fixtures.kernel(kernel), includeProcesses: false).collect()
        let store = try HistoryDatabase(writer: DatabaseQueue())
        let first = try store.append(live)
        // The second append writes no values (nothing changed) and must replay the same.
        let second = try store.append(live)
        for id in [first, second] {
            let replay = try #require(try store.snapshot(sampleID: id))
            let expected = Self.views(live), got = Self.views(replay)
            for (view, json) in expected { #expect(got[view] == json, "\(kernel) \(view) sample \(id)") }
            #expect(replay.unavailable == live.unavailable)
            #expect(replay.host == live.host)
            #expect(replay.pageSize == live.pageSize)
        }
        let rowsOfSecond = try store.writer.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM value WHERE sample_id = ?", arguments: [second])
        }
        #expect(rowsOfSecond == 0)
    }

    @Test func aValueThatVanishesIsGoneOnReplayAndBackWhenItReturns() throws {
        let live = SnapshotCollector(root: Fixtures.kernel("linux-6.18-sandbox"), includeProcesses: false).collect()
        let meminfo = try #require(live.meminfo)
        var without = live
        without.meminfo = Meminfo(fields: meminfo.fields.filter { $0.name != "Dirty" })
        let store = try HistoryDatabase(writer: DatabaseQueue())
        let a = try store.append(live), b = try store.append(without), c = try store.append(live)
        #expect(try store.snapshot(sampleID: a)?.meminfo?["Dirty"] == meminfo["Dirty"])
        #expect(try store.snapshot(sampleID: b)?.meminfo?["Dirty"] == nil)
        #expect(try store.snapshot(sampleID: b)?.meminfo == without.meminfo)
        #expect(try store.snapshot(sampleID: c)?.meminfo == meminfo)
    }

    @Test func processesAreStoredByPidAndStartTime() throws {
        var live = SnapshotCollector(root: Fixtures.kernel("linux-6.18-sandbox"), includeProcesses: false).collect()
        var sweep = ProcessSweep()
        sweep.rows = [
            ProcessRow(pid: 10, user: "root", uid: 0, command: "big", cmdline: "big --leak", virt: 9 << 30,
                       res: 2 << 30, shr: 1 << 20, pss: 2 << 30, uss: 2 << 30, swap: 0, startTimeTicks: 500),
            ProcessRow(pid: 11, user: "nobody", uid: 65534, command: "small", res: 1 << 20, startTimeTicks: 600),
        ]
        sweep.unreadable = 1
        live.processes = sweep
        let store = try HistoryDatabase(writer: DatabaseQueue())
        let id = try store.append(live, processes: sweep.rows)
        let replay = try #require(try store.snapshot(sampleID: id))
        #expect(replay.processes == sweep)
        // The same pid with another start time is another process.
        var reborn = sweep
        reborn.rows[0].startTimeTicks = 900
        live.processes = reborn
        try store.append(live, processes: reborn.rows)
        let processes = try store.writer.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM process") }
        #expect(processes == 3)
    }
}
