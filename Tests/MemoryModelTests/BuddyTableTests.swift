import KernelFiles
import MemoryModel
import Testing
import TestSupport

@Suite struct BuddyTableTests {
    @Test func unusableIndexWorkedExample() {
        // blocks [4, 2, 1] at orders 0, 1, 2 → free_pages = 4 + 2·2 + 1·4 = 12.
        // order 0: suitable = 4 + (2<<1) + (1<<2) = 12 → (12 − 12<<0)·1000/12 = 0      → 0.000
        // order 1: suitable = 2 + (1<<1) = 4      → (12 − 4<<1)·1000/12 = 4000/12 = 333 → 0.333
        // order 2: suitable = 1                   → (12 − 1<<2)·1000/12 = 8000/12 = 666 → 0.666 (truncated, not 0.667)
        let blocks: [UInt64] = [4, 2, 1]
        #expect((0..<3).map { BuddyTable.unusableFreeIndex(order: $0, freeBlocks: blocks) } == [0, 333, 666])
        #expect(BuddyTable.kernelText(thousandths: 666) == "0.666")
        // No free memory: all of it is "unusable" → 1000 → 1.000.
        #expect(BuddyTable.unusableFreeIndex(order: 0, freeBlocks: [0, 0]) == 1000)
        #expect(BuddyTable.kernelText(thousandths: 1000) == "1.000")
    }

    @Test func unusableIndexOnTheSandboxDMAZone() {
        // Real capture: DMA [0,0,0,0,0,0,0,0,1,1,3] → free = 256 + 512 + 3072 = 3840.
        // order 9: suitable = 1 + (3<<1) = 7 → (3840 − 7<<9 = 3584)·1000/3840 = 66 → 0.066
        // order 10: suitable = 3 → (3840 − 3072)·1000/3840 = 200 → 0.200
        let dma: [UInt64] = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 3]
        #expect(BuddyTable.unusableFreeIndex(order: 9, freeBlocks: dma) == 66)
        #expect(BuddyTable.unusableFreeIndex(order: 10, freeBlocks: dma) == 200)
        #expect(BuddyTable.unusableFreeIndex(order: 8, freeBlocks: dma) == 0)
    }

    @Test func fragmentationIndexWorkedExamples() {
        // A block of the order is free → −1000, printed "-1.000".
        #expect(BuddyTable.fragmentationIndex(order: 1, freeBlocks: [4, 2, 1]) == -1000)
        #expect(BuddyTable.kernelText(thousandths: -1000) == "-1.000")
        // [3, 1, 0], order 2: free_pages = 3 + 2 = 5, blocks = 4, none suitable;
        // 1000 − (1000 + 5·1000/4)/4 = 1000 − 2250/4 = 1000 − 562 = 438 → 0.438
        #expect(BuddyTable.fragmentationIndex(order: 2, freeBlocks: [3, 1, 0]) == 438)
        // [1, 0], order 1: 1000 − (1000 + 1·1000/2)/1 = −500; the kernel's
        // "%d.%03d" of (−500/1000, −500%1000) prints "0.-500".
        #expect(BuddyTable.fragmentationIndex(order: 1, freeBlocks: [1, 0]) == -500)
        #expect(BuddyTable.kernelText(thousandths: -500) == "0.-500")
        #expect(BuddyTable.kernelText(thousandths: -5) == "0.-05")
        // No free blocks at all → 0.
        #expect(BuddyTable.fragmentationIndex(order: 0, freeBlocks: [0, 0]) == 0)
    }

    @Test func sizesUseThePageSizeGiven() {
        let buddy = Buddyinfo(zones: [.init(node: 0, zone: "Normal", freeBlocks: [1, 1, 1])])
        let table4k = BuddyTable(buddy, pageSize: 4096)
        #expect(table4k.zones[0].freePagesPerOrder == [1, 2, 4])
        #expect(table4k.zones[0].freeBytesPerOrder == [4096, 8192, 16384])
        #expect(table4k.zones[0].freeBytes == 7 * 4096)
        let table64k = BuddyTable(buddy, pageSize: 65536)
        #expect(table64k.zones[0].freeBytes == 7 * 65536)
        #expect(table64k.blockBytes(order: 2) == 4 * 65536)
        let unknown = BuddyTable(buddy, pageSize: nil)
        #expect(unknown.zones[0].freeBytes == nil && unknown.totalFreeBytes == nil)
    }

    @Test(arguments: Fixtures.kernelNames)
    func derivesTheFixturePageSize(_ kernel: String) throws {
        let size = HostPageSize.of(Fixtures.kernel(kernel), buffer: ReadBuffer())
        #expect(size == HostPageSize(bytes: 4096, source: .manifest), "every fixture tree has a manifest.json")
    }

    @Test func derivesA64KiBPageSize() throws {
        let zoneinfo = try parseText("Node 0, zone Normal\n  pages free 5\n        present 1000\n        managed 1000\n", Zoneinfo.parse)
        #expect(HostPageSize.derived(memTotalBytes: 1000 * 65536, zoneinfo: zoneinfo)?.bytes == 65536)
        #expect(HostPageSize.derived(memTotalBytes: 1000 * 5000, zoneinfo: zoneinfo)?.bytes == 4096)
        #expect(HostPageSize.derived(memTotalBytes: 1000 * 2000, zoneinfo: zoneinfo) == nil, "half a 4 KiB page: not a page size")
    }
}

@Suite struct NumaTableTests {
    private func node(_ id: Int, _ text: String, numastat: String? = nil) throws -> NumaTable.NodeInput {
        NumaTable.NodeInput(
            node: id, meminfo: try parseText(text, Meminfo.parse),
            numastat: try numastat.map { (text) throws(ParseError) in try parseText(text, Numastat.parse) })
    }

    @Test func followsNumastatRowsUnitsAndTotals() throws {
        let table = NumaTable(nodes: [
            try node(0, "Node 0 MemTotal: 1025 kB\nNode 0 SecPageTables: 8 kB\nNode 0 HugePages_Total:   3\nNode 0 MemFree: 512 kB\n",
                     numastat: "numa_hit 256\nnuma_miss 1\n"),
            try node(1, "Node 1 MemTotal: 2048 kB\nNode 1 MemFree: 1 kB\nNode 1 HugePages_Total:   1\n",
                     numastat: "numa_hit 3\nnuma_miss 0\n"),
        ], pageSize: 4096, hugePageSize: 2 << 20)
        // numastat's order, not the file's; tokens outside its list (SecPageTables) are not rows.
        #expect(table.meminfo.map(\.label) == ["MemTotal", "MemFree", "HugePages_Total"])
        // 1025 kB × 1024 / 2^20 = 1.0009765625 MB
        #expect(table.meminfo[0].megabytes == [1025.0 / 1024, 2.0])
        #expect(table.meminfo[0].totalMegabytes == 1025.0 / 1024 + 2.0)
        // HugePages_Total is a count × the huge page size (2 MiB): 3 → 6 MB.
        #expect(table.meminfo[2].megabytes == [6, 2])
        // numastat counts pages: 256 × 4096 / 2^20 = 1 MB.
        #expect(table.numastat[0].megabytes == [1, 3.0 * 4096 / 1048576])
        #expect(table.numastat.map(\.label) == ["Numa_Hit", "Numa_Miss", "Numa_Foreign", "Interleave_Hit", "Local_Node", "Other_Node"])
        #expect(table.numastat[2].megabytes == [nil, nil], "a counter the node did not print is unknown")
        #expect(table.total.total == (1025 + 2048) * 1024)
        #expect(table.total.numaHit == 259)
    }

    @Test func singleNodeFallbackDerivesMemUsedAndFilePages() throws {
        let meminfo = try parseText("MemTotal: 100 kB\nMemFree: 40 kB\nBuffers: 5 kB\nCached: 20 kB\nSwapCached: 1 kB\n", Meminfo.parse)
        let node = NumaTable.singleNode(fromProcMeminfo: meminfo)
        #expect(node["MemUsed"] == 60 * 1024)
        #expect(node["FilePages"] == 26 * 1024)
    }
}
