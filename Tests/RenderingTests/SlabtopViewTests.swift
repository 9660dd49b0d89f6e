import KernelFiles
import MemoryModel
import Rendering
import Testing

@Suite struct SlabtopViewTests {
    static let slabinfo = Slabinfo(version: .v2_1, caches: [
        Slabinfo.Cache(name: "dentry", activeObjs: 132313, numObjs: 132363, objSize: 192, objPerSlab: 21,
                       pagesPerSlab: 1, activeSlabs: 6303, numSlabs: 6303),
        Slabinfo.Cache(name: "kmalloc-8k", activeObjs: 220, numObjs: 232, objSize: 8192, objPerSlab: 4,
                       pagesPerSlab: 8, activeSlabs: 58, numSlabs: 58),
        Slabinfo.Cache(name: "a_cache_name_longer_than_23", activeObjs: 0, numObjs: 0, objSize: 16, objPerSlab: 256,
                       pagesPerSlab: 1, activeSlabs: 0, numSlabs: 0),
    ])

    /// Worked by hand from slabtop.c's printf formats.
    @Test func textIsSlabtopOnce() {
        let table = SlabTable(slabinfo: Self.slabinfo, pageSize: 4096)
        let expected = """
             Active / Total Objects (% used)    : 132533 / 132595 (100.0%)
             Active / Total Slabs (% used)      : 6361 / 6361 (100.0%)
             Active / Total Caches (% used)     : 2 / 3 (66.7%)
             Active / Total Size (% used)       : 26568.69K / 26674.06K (99.6%)
             Minimum / Average / Maximum Object : 0.02K / 0.20K / 8.00K

              OBJS ACTIVE  USE OBJ SIZE  SLABS OBJ/SLAB CACHE SIZE NAME                   \("")
            132363 132313  99%    0.19K   6303       21     25212K dentry                 \("")
               232    220  94%    8.00K     58        4      1856K kmalloc-8k             \("")
                 0      0   0%    0.02K      0      256         0K a_cache_name_longer_than_23

            """
        #expect(SlabtopView.text(table) == expected)
    }

    @Test func frameClearsAddsGrowthAndFitsTheTerminal() {
        let table = SlabTable(slabinfo: Self.slabinfo, pageSize: 4096, previous: (Self.slabinfo, 1))
        let frame = SlabtopView.frame(table, terminalRows: 10)  // ≤ 10 rows: slabtop assumes 24
        #expect(frame.hasPrefix("\u{1B}[H\u{1B}[2J"))
        #expect(frame.contains("CACHE SIZE    GROWTH NAME"))
        #expect(frame.contains("     0B/s dentry"))
        let many = Slabinfo(version: .v2_1, caches: (0..<30).map { index in
            Slabinfo.Cache(name: "cache\(index)", activeObjs: 1, numObjs: 1, objSize: 64, objPerSlab: 64,
                           pagesPerSlab: 1, activeSlabs: 1, numSlabs: 1)
        })
        let small = SlabtopView.frame(SlabTable(slabinfo: many, pageSize: 4096), terminalRows: 12)
        #expect(small.split(separator: "\n").count == 5 + 1 + 4, "summary, heading, and rows - 8 caches")
        let default24 = SlabtopView.frame(SlabTable(slabinfo: many, pageSize: 4096), terminalRows: 10)
        #expect(default24.split(separator: "\n").count == 5 + 1 + 16, "a terminal of 10 rows or fewer counts as 24")
        let tiny = SlabtopView.frame(SlabTable(slabinfo: Self.slabinfo, pageSize: 4096), terminalRows: 11)
        #expect(tiny.split(separator: "\n").filter { $0.hasSuffix("dentry") || $0.hasSuffix("kmalloc-8k") }.count == 2)
        #expect(tiny.contains("        - dentry"), "no growth figure before a second sample")
    }

    @Test func jsonHasTheContractKeysAndNulls() {
        let table = SlabTable(slabinfo: Self.slabinfo, pageSize: 4096)
        let json = SlabtopView.json(table, version: .v2_1).rendered(pretty: false)
        for key in ["\"caches\":[", "\"name\":\"dentry\"", "\"active_objs\":132313", "\"num_objs\":132363",
                    "\"objsize\":192", "\"objperslab\":21", "\"pagesperslab\":1", "\"active_slabs\":6303",
                    "\"num_slabs\":6303", "\"size_bytes\":25817088", "\"totals\":{", "\"reclaimable\":null",
                    "\"aliases\":null", "\"growth_bytes_per_second\":null", "\"page_size\":4096",
                    "\"unavailable\":[]"] {
            #expect(json.contains(key), "\(key)")
        }
    }
}
