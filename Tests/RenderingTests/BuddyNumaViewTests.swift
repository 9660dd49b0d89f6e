import KernelFiles
import MemoryModel
import Rendering
import Testing
import TestSupport

@Suite struct BuddyNumaViewTests {
    @Test func numaTextIsLaidOutAsNumastat() throws {
        let meminfo = try parseText("Node 0 MemTotal:        5073108 kB\nNode 0 MemFree:         3739556 kB\n", Meminfo.parse)
        let table = NumaTable(nodes: [.init(node: 0, meminfo: meminfo, numastat: nil)], pageSize: 4096, hugePageSize: nil)
        let text = NumaView.text(table, .init(isSingleNodeFallback: false, unavailable: []))
        #expect(text == """

            Per-node system memory usage (in MBs):
                                      Node 0           Total
                             --------------- ---------------
            MemTotal                 4954.21         4954.21
            MemFree                  3651.91         3651.91

            """)
    }

    @Test func buddyJSONKeysAndNulls() throws {
        let buddy = try parseText("Node 0, zone   Normal      4      2      1\n", Buddyinfo.parse)
        let json = BuddyView.json(BuddyTable(buddy, pageSize: nil), .init(pageSize: nil, zoneinfo: nil, pagetypeinfo: nil, unavailable: []))
        let text = json.rendered(pretty: false)
        for key in ["\"page_size\":null", "\"orders\":3", "\"free_blocks\":[4,2,1]", "\"free_bytes\":null",
                    "\"unusable_index\":[0,0.333,0.666]", "\"fragmentation_index\":[-1,-1,-1]", "\"unavailable\":[]",
                    "\"watermarks\":null", "\"pagetypeinfo\":null"] {
            #expect(text.contains(key), "\(key) in \(text)")
        }
    }
}
