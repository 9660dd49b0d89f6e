import KernelFiles
import SystemPackage
import Testing
import TestSupport

/// buddyinfo, pagetypeinfo, zoneinfo and the NUMA node files on every
/// fixture kernel, every malformed case and inline edge cases.
@Suite struct BuddyFilesTests {
    /// A kernel without the file is fine (ENOENT: the source is unavailable).
    private func readOrMissing<T>(_ body: () throws(SourceError) -> T) throws -> T? {
        do { return try body() } catch {
            if case .read(let read) = error, read.isNoData { return nil }
            throw error
        }
    }

    @Test(arguments: Fixtures.kernelNames)
    func buddyinfoAgreesWithZoneinfoOnEveryKernel(_ kernel: String) throws {
        let root = Fixtures.kernel(kernel)
        guard let buddy = try readOrMissing({ () throws(SourceError) in try root.buddyinfo(buffer: ReadBuffer()) }) else { return }
        #expect(buddy.orderCount == 11, "x86_64 fixtures: MAX_ORDER 11")
        guard let zoneinfo = try readOrMissing({ () throws(SourceError) in try root.zoneinfo(buffer: ReadBuffer()) }) else { return }
        for zone in buddy.zones {
            let info = try #require(zoneinfo.zones.first { $0.node == zone.node && $0.zone == zone.zone })
            let counted = try #require(info[counter: "nr_free_pages"])
            // The sandbox capture read the two files a moment apart: a few pages moved.
            #expect(abs(Int64(zone.freePages) - counted) <= (kernel.hasSuffix("sandbox") ? 64 : 0), "\(kernel) \(zone.zone)")
            #expect(info.freePages.map(Int64.init) == counted)
        }
    }

    @Test(arguments: Fixtures.kernelNames)
    func zoneinfoFormatMatchesTheRelease(_ kernel: String) throws {
        guard let zoneinfo = try readOrMissing({ () throws(SourceError) in try Fixtures.kernel(kernel).zoneinfo(buffer: ReadBuffer()) })
        else { return }
        let split = !(kernel.contains("2.6.32") || kernel.contains("3.10"))
        #expect(zoneinfo.nodeStats.isEmpty == !split, "per-node stats exist from 4.8 on")
        for zone in zoneinfo.zones {
            #expect(zone.freePages != nil && zone.minPages != nil && zone.lowPages != nil && zone.highPages != nil)
            #expect((zone.managedPages == nil) == kernel.contains("2.6.32"), "managed appeared in 3.8")
            #expect(zone.protection?.isEmpty == false)
            if let present = zone.presentPages, present > 0 { #expect(zone[counter: "nr_free_pages"] != nil) }
        }
    }

    @Test(arguments: Fixtures.kernelNames)
    func pagetypeinfoAgreesWithBuddyinfo(_ kernel: String) throws {
        let root = Fixtures.kernel(kernel)
        guard let info = try readOrMissing({ () throws(SourceError) in try root.pagetypeinfo(buffer: ReadBuffer()) }) else { return }
        #expect(info.pageBlockOrder == 9 && info.pagesPerBlock == 512)
        #expect(!info.blockTypes.isEmpty && info.blocks.count > 0)
        let buddy = try root.buddyinfo(buffer: ReadBuffer())
        for zone in buddy.zones where !kernel.hasSuffix("sandbox") {
            let rows = info.free.filter { $0.node == zone.node && $0.zone == zone.zone }
            for order in 0..<buddy.orderCount {
                let sum = rows.reduce(UInt64(0)) { $0 + $1.freeBlocks[order].value }
                if rows.contains(where: { $0.freeBlocks[order].isLowerBound }) {
                    #expect(sum <= zone.freeBlocks[order], "a >100000 cap is a lower bound")
                } else {
                    #expect(sum == zone.freeBlocks[order], "\(kernel) \(zone.zone) order \(order)")
                }
            }
        }
    }

    @Test(arguments: Fixtures.kernelNames)
    func nodeFilesOnEveryKernel(_ kernel: String) throws {
        let root = Fixtures.kernel(kernel)
        let nodes: [Int]
        do { nodes = try root.numaNodes() } catch { #expect(error.isNoData); return }
        #expect(nodes.first == 0)
        if kernel.contains("3.10") { #expect(nodes == [0, 1]) }
        for node in nodes {
            let meminfo = try root.nodeMeminfo(node, buffer: ReadBuffer())
            let total = try #require(meminfo.memTotal)
            #expect(meminfo["MemUsed"].map { $0 + (meminfo.memFree ?? 0) } == total)
            let numastat = try root.nodeNumastat(node, buffer: ReadBuffer())
            #expect(numastat.fields.map(\.name) == ["numa_hit", "numa_miss", "numa_foreign", "interleave_hit", "local_node", "other_node"])
        }
    }

    @Test(arguments: ["buddyinfo", "pagetypeinfo", "zoneinfo", "numastat"])
    func everyMalformedCaseIsAParseErrorNamingTheFile(_ file: String) {
        let cases = Fixtures.malformed(file)
        #expect(cases.count >= 6)
        for (name, bytes) in cases {
            let path = "/proc/" + file
            do {
                switch file {
                case "buddyinfo": _ = try parseBytes(bytes, path: path, Buddyinfo.parse)
                case "pagetypeinfo": _ = try parseBytes(bytes, path: path, Pagetypeinfo.parse)
                case "zoneinfo": _ = try parseBytes(bytes, path: path, Zoneinfo.parse)
                default: _ = try parseBytes(bytes, path: path, Numastat.parse)
                }
                Issue.record("\(file)/\(name) parsed")
            } catch {
                #expect(error.path == path)
                if name != "empty" && !name.hasPrefix("non-numeric-header") && file != "pagetypeinfo" || name.contains("column") {
                    #expect(error.line != nil, "\(file)/\(name) names its line")
                }
            }
        }
    }

    @Test func readsThirteenOrders() throws {
        // arm64 with 64 KiB pages and some configs: MAX_ORDER 13/14. Never assumed.
        let text = "Node 0, zone   Normal " + (0..<13).map { _ in "     1 " }.joined() + "\n"
        let buddy = try parseText(text, Buddyinfo.parse)
        #expect(buddy.orderCount == 13)
        #expect(buddy.zones[0].freePages == (1 << 13) - 1)
    }

    @Test func keepsAPagetypeinfoCapAsALowerBound() throws {
        let info = try parseText("""
            Page block order: 13
            Pages per block:  8192

            Free pages count per migrate type at order       0      1
            Node    0, zone   Normal, type      Movable >100000      4

            Number of blocks type     Unmovable      Movable
            Node 0, zone   Normal            1            2

            Number of mixed blocks        Unmovable      Movable
            Node 0, zone   Normal            0            1
            """, Pagetypeinfo.parse)
        #expect(info.free[0].freeBlocks == [.init(100_000, isLowerBound: true), .init(4)])
        #expect(info.pageBlockOrder == 13)
        #expect(info.blocks[0].blocks == [1, 2])
        #expect(info.mixedBlocks?.first?.blocks == [0, 1])
    }

    @Test func pagetypeinfoPermissionDeniedIsAReadError() {
        let root = ProcRoot(Fixtures.kernelPath("linux-6.18-sandbox"), io: FaultyIO.failing(["proc/pagetypeinfo": .permissionDenied]))
        #expect(throws: SourceError.read(ReadError(path: root.path("proc/pagetypeinfo"), errno: .permissionDenied))) {
            try root.pagetypeinfo(buffer: ReadBuffer())
        }
    }

    @Test func zoneCountersKeepTheKernelsSign() throws {
        // %lu of a counter that drifted below zero prints 2^64 − n.
        let zoneinfo = try parseText("Node 0, zone Normal\n  pages free 5\n    nr_isolated_anon 18446744073709551615\n    nr_x -3\n", Zoneinfo.parse)
        #expect(zoneinfo.zones[0][counter: "nr_isolated_anon"] == -1)
        #expect(zoneinfo.zones[0][counter: "nr_x"] == -3)
    }

    @Test func listsOnlyNodeDirectories() throws {
        let nodes = try Fixtures.kernel("linux-6.18-sandbox").numaNodes()
        #expect(nodes == [0], "possible, online, has_memory … are not nodes")
    }
}
