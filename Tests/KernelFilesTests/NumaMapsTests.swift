import KernelFiles
import Testing
import TestSupport

@Suite struct NumaMapsTests {
    @Test(arguments: ProcessMapsFixtures.names)
    func parsesEveryCapturedProcess(_ name: String) throws {
        guard let pid = ProcessMapsFixtures.pid(name) else { return }
        let root = ProcessMapsFixtures.root(name)
        guard root.exists("proc/\(pid)/numa_maps") else { return }
        let buffer = ReadBuffer()
        let numa = try root.numaMaps(pid: pid, buffer: buffer)
        let maps = try root.processMaps(pid: pid, buffer: buffer)
        // One line per VMA: every mapping but [vsyscall], which is not a VMA.
        #expect(numa.mappings.map(\.start) == maps.mappings.filter { $0.kind != .vsyscall }.map(\.start))
        for mapping in numa.mappings {
            // kernelpagesize_kB is printed only for a mapping with pages.
            #expect(mapping.kernelPageSize == nil || mapping.kernelPageSize == 4096)
        }
    }

    @Test func unescapesTheDeletedFilesPath() throws {
        let pid = try #require(ProcessMapsFixtures.pid("layout-probe"))
        let numa = try ProcessMapsFixtures.root("layout-probe").numaMaps(pid: pid, buffer: ReadBuffer())
        let deleted = try #require(numa.mappings.first { $0.file?.hasSuffix("(deleted)") == true })
        #expect(deleted.file?.contains("/mapped file.bin (deleted)") == true, "\\040 is a space")
        #expect(deleted.nodePages.first?.node == 0)
    }

    @Test func readsEveryToken() throws {
        let line = "7ffd3a5e0000 bind:0-1 stack anon=4 dirty=3 mapped=5 mapmax=2 swapcache=1 active=0 writeback=0 N0=3 N1=1 kernelpagesize_kB=2048 future=x\n"
        let mapping = try #require(try parseText(line, NumaMaps.parse).mappings.first)
        #expect(mapping.start == 0x7ffd_3a5e_0000 && mapping.policy == "bind:0-1")
        #expect(mapping.flags == ["stack"])
        #expect(mapping.anonPages == 4 && mapping.dirtyPages == 3 && mapping.mappedPages == 5 && mapping.mapMax == 2)
        #expect(mapping.swapCachePages == 1 && mapping.activePages == 0 && mapping.writebackPages == 0)
        #expect(mapping.nodePages == [.init(node: 0, pages: 3), .init(node: 1, pages: 1)])
        #expect(mapping.kernelPageSize == 2 << 20)
        #expect(mapping.other == [.init(key: "future", value: "x")])
        #expect(mapping.file == nil)
    }

    @Test(arguments: Fixtures.malformed("numa_maps").map(\.name))
    func rejectsMalformedWithFileAndLine(_ name: String) throws {
        let bytes = try #require(Fixtures.malformed("numa_maps").first { $0.name == name }?.bytes)
        do {
            _ = try parseBytes(bytes, path: "/proc/1/numa_maps", NumaMaps.parse)
            Issue.record("\(name) parsed")
        } catch {
            #expect(error.path == "/proc/1/numa_maps")
            #expect(error.line == 1, "\(name)")
        }
    }
}
