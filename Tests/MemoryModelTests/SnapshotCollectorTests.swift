import KernelFiles
import MemoryModel
import SystemPackage
import Testing
import TestSupport

@Suite struct SnapshotCollectorTests {
    @Test(arguments: Fixtures.kernelNames)
    func everyAreaIsReadWhereTheTreeHasItsFiles(_ kernel: String) throws {
        let root = Fixtures.kernel(kernel)
        let snapshot = SnapshotCollector(root: root).collect()
        #expect(snapshot.hasMemoryData)
        #expect(snapshot.host.kernelRelease != nil)
        #expect(snapshot.pageSize == HostPageSize(bytes: 4096, source: .manifest))
        #expect((snapshot.meminfo != nil) == root.exists("proc/meminfo"))
        #expect((snapshot.vmstat != nil) == (root.exists("proc/stat") && root.exists("proc/vmstat")))
        #expect((snapshot.pressure != nil) == root.exists("proc/pressure/memory"))
        #expect((snapshot.slab != nil) == root.exists("proc/slabinfo"))
        #expect((snapshot.buddy != nil) == root.exists("proc/buddyinfo"))
        #expect(!snapshot.dcache.hasNoCaches || !root.exists("proc/sys/fs/dentry-state"))
        #expect(snapshot.numaTable != nil)
        // Derived on read, from the raw readings alone.
        #expect(snapshot.free?.total == snapshot.meminfo?.memTotal)
        #expect(snapshot.slabTable()?.rows.count == snapshot.slab?.slabinfo.caches.count)
        #expect(snapshot.vmstatRow(unit: .bytes) != nil || snapshot.vmstat == nil)
    }

    @Test func theIncidentHostHasNoPressureAndSaysWhy() throws {
        let snapshot = SnapshotCollector(root: Fixtures.kernel("linux-2.6.32-rhel6")).collect()
        #expect(snapshot.pressure == nil)
        let entry = try #require(snapshot.unavailable.first { $0.source == "/proc/pressure/memory" })
        #expect(entry.reason == "no such file")
        #expect(entry.remedy?.contains("4.20") == true)
        // SLAB allocator: no /sys/kernel/slab, listed once even though only the slab reader looked.
        #expect(snapshot.unavailable.filter { $0.source == "/sys/kernel/slab" }.count == 1)
        #expect(snapshot.slab?.slabinfo.version == .v2_1)
    }

    @Test func unavailableListsEachSourceOnce() {
        for kernel in Fixtures.kernelNames {
            let sources = SnapshotCollector(root: Fixtures.kernel(kernel)).collect().unavailable.map(\.source)
            #expect(Set(sources).count == sources.count, "\(kernel): \(sources)")
        }
    }

    @Test func slabinfoDeniedLeavesTheRest() throws {
        let root = ProcRoot(Fixtures.kernelPath("linux-5.15-ubuntu22"),
                            io: FaultyIO.failing(["/proc/slabinfo": .permissionDenied]))
        let snapshot = SnapshotCollector(root: root).collect()
        #expect(snapshot.slab == nil && snapshot.slabTable() == nil)
        #expect(snapshot.meminfo != nil && snapshot.buddy != nil)
        let entry = try #require(snapshot.unavailable.first { $0.source == "/proc/slabinfo" })
        #expect(entry.reason == "permission denied")
        #expect(entry.remedy?.contains("root") == true)
    }

    @Test func recordsTheFilesItReadRelativeToTheRoot() {
        let snapshot = SnapshotCollector(root: Fixtures.kernel("linux-5.15-ubuntu22")).collect()
        for file in ["proc/meminfo", "proc/stat", "proc/vmstat", "proc/slabinfo", "proc/buddyinfo",
                     "proc/zoneinfo", "proc/sys/fs/dentry-state", "manifest.json"] {
            #expect(snapshot.filesRead.contains(file), "\(file) in \(snapshot.filesRead)")
        }
        #expect(!snapshot.filesRead.contains { $0.hasPrefix("/") || $0.contains("Fixtures") })
        #expect(!snapshot.filesRead.contains("proc/pressure/memory") || snapshot.pressure != nil,
                "a file that failed to open was not read")
    }

    @Test func nothingReadableIsTheOnlyFailure() {
        let snapshot = SnapshotCollector(root: ProcRoot(Fixtures.directory + "/no-such-tree")).collect()
        #expect(!snapshot.hasMemoryData)
        #expect(snapshot.unavailable.first?.source == "/proc/meminfo")
        #expect(snapshot.filesRead.isEmpty)
    }

    @Test func theLiveHost() {
        let snapshot = SnapshotCollector(root: ProcRoot("/")).collect()
        #expect(snapshot.pageSize?.source == .sysconf)
        #expect(snapshot.meminfo != nil && snapshot.vmstat != nil && snapshot.buddy != nil)
        #expect(snapshot.clockTicksPerSecond == 100)
        #expect(snapshot.filesRead.first == "proc/sys/kernel/osrelease")
    }
}

@Suite struct HostPageSizeTests {
    private static func withoutManifest(_ kernel: String) -> ProcRoot {
        ProcRoot(Fixtures.kernelPath(kernel), io: FaultyIO.failing(["manifest.json": .noSuchFileOrDirectory]))
    }

    @Test func aTreeWithoutManifestDerivesItFromZoneinfo() {
        // 2.6.32 has no `managed`: MemTotal over `present` pages.
        #expect(HostPageSize.of(Self.withoutManifest("linux-2.6.32-rhel6"), buffer: ReadBuffer())
                == HostPageSize(bytes: 4096, source: .zoneinfo))
    }

    @Test func managedAndPresentMustAgree() throws {
        // This machine's capture: /proc/meminfo's MemTotal (24 GB) over the zones' managed
        // pages (1.27 M) says 16 KiB, over present pages (6.29 M) 4 KiB: refused. The node's
        // MemTotal (5073108 kB, exactly the managed pages × 4 KiB) then gives the right answer.
        let root = Fixtures.kernel("linux-6.18-sandbox")
        let zoneinfo = try root.zoneinfo(buffer: ReadBuffer())
        #expect(HostPageSize.derived(memTotalBytes: 24684092 * 1024, zoneinfo: zoneinfo) == nil)
        #expect(HostPageSize.of(Self.withoutManifest("linux-6.18-sandbox"), buffer: ReadBuffer())
                == HostPageSize(bytes: 4096, source: .zoneinfo))
    }

    @Test func nothingTellsGivesNilAndViewsAssumeThisHost() {
        let root = ProcRoot(Fixtures.directory + "/no-such-tree")
        #expect(HostPageSize.of(root, buffer: ReadBuffer()) == nil)
        #expect(HostPageSize.bytesOrAssumed(nil) == HostPageSize.live()?.bytes)
        #expect(HostPageSize.bytesOrAssumed(HostPageSize(bytes: 65536, source: .manifest)) == 65536)
    }

    @Test func theLiveHostUsesSysconf() {
        #expect(HostPageSize.of(ProcRoot("/"), buffer: ReadBuffer())?.source == .sysconf)
    }
}
