import KernelFiles
import MemoryModel
import SystemPackage
import Testing
import TestSupport

@Suite struct CgroupTreeTests {
    static func fixture(_ name: String, io: FileIO = .system) -> ProcRoot {
        ProcRoot(Fixtures.directory + "/cgroups/" + name, io: io)
    }

    @Test func v2TreeSortedByUsageWithSlabAndDying() throws {
        let tree = CgroupTree.read(root: Self.fixture("linux-5.15-ubuntu22-v2"))
        #expect(tree.version == .v2)
        #expect(tree.unavailable.isEmpty)
        #expect(tree.cgroups.map(\.path) == [
            "/system.slice", "/system.slice/docker-4f1c2a9e8b7d.scope", "/user.slice",
            "/system.slice/systemd-journald.service", "/system.slice/ssh.service",
        ], "no root: a v2 hierarchy root has no memory.current")
        let docker = try #require(tree.cgroups.first { $0.path.hasPrefix("/system.slice/docker") })
        #expect(docker.limitBytes == 536_870_912)
        #expect(docker.oomKill == 2)
        #expect(docker.slabReclaimableBytes == 9_437_184)
        #expect(docker.kernelBytes == nil)
        #expect(tree.dyingCgroups == 1536, "the hierarchy root's nr_dying_descendants")
        #expect(tree.cgroups[0].limit == .unlimited)
        #expect(tree.slabHolders.first?.path == "/system.slice")
    }

    @Test func v1TreeAttributesSlabFromKmemSlabinfo() throws {
        let tree = CgroupTree.read(root: Self.fixture("linux-3.10-rhel7-v1"))
        #expect(tree.version == .v1)
        #expect(tree.cgroups.first?.path == "/")
        let httpd = try #require(tree.cgroups.first { $0.path == "/system.slice/httpd.service" })
        // 64×8 + 52×4 + 49×1 + 489×1 pages of 4 KiB.
        #expect(httpd.slabBytes == (64 * 8 + 52 * 4 + 49 + 489) * 4096)
        #expect(httpd.slabCaches?.first?.name == "xfs_inode(2:httpd.service)")
        #expect(httpd.kernelBytes == 5_242_880)
        #expect(httpd.anonBytes == 314_572_800, "total_rss")
        #expect(httpd.oomKill == nil && httpd.nrDyingDescendants == nil)
        #expect(tree.slabHolders.map(\.path) == ["/system.slice/httpd.service"])
        #expect(tree.dyingCgroups == 2, "/proc/cgroups says 7 memory cgroups, 5 directories are live")
    }

    @Test func hybridReadsTheMemoryControllerWhereItIs() {
        let tree = CgroupTree.read(root: Self.fixture("linux-6.18-sandbox-hybrid"))
        #expect(tree.version == .hybrid)
        #expect(tree.cgroups.allSatisfy { $0.version == 1 })
        #expect(tree.cgroups.map(\.path).contains("/memsleuth-capture/web.service"))
        #expect(tree.unavailable.isEmpty)
    }

    @Test func topKeepsTheLargestAndCountsAll() {
        let tree = CgroupTree.read(root: Self.fixture("linux-5.15-ubuntu22-v2"), top: 2)
        #expect(tree.cgroups.count == 2)
        #expect(tree.totalCount == 5)
    }

    /// The kernel trees have no cgroup files at all (no proc/self/mountinfo):
    /// unavailable with a reason, not a failure.
    @Test(arguments: Fixtures.kernelNames)
    func noMountinfoIsUnavailable(_ kernel: String) {
        let tree = CgroupTree.read(root: Fixtures.kernel(kernel))
        #expect(tree.version == nil)
        #expect(tree.cgroups.isEmpty)
        #expect(tree.unavailable.first?.source == "/proc/self/mountinfo")
    }

    @Test func noCgroupMountIsUnavailable() throws {
        let tree = CgroupTree.read(root: ProcRoot(Fixtures.directory + "/cgroups/no-cgroup-mount"))
        #expect(tree.version == nil)
        #expect(tree.unavailable.first?.reason == "no cgroup2 or cgroup v1 memory hierarchy is mounted")
    }

    @Test func oneUnreadableFileKeepsTheCgroupAndSaysWhy() throws {
        let io = FaultyIO.failing(["ssh.service/memory.stat": .permissionDenied])
        let tree = CgroupTree.read(root: Self.fixture("linux-5.15-ubuntu22-v2", io: io))
        let ssh = try #require(tree.cgroups.first { $0.path == "/system.slice/ssh.service" })
        #expect(ssh.currentBytes == 6_815_744)
        #expect(ssh.anonBytes == nil)
        #expect(tree.unavailable.map(\.source) == ["/sys/fs/cgroup/system.slice/ssh.service/memory.stat"])
    }

    @Test func kmemSlabinfoEIOIsNotAccountedRatherThanAnError() throws {
        // 3.x refuses with EIO until kmem accounting is active for the cgroup.
        let io = FaultyIO.failing(["httpd.service/memory.kmem.slabinfo": .ioError])
        let tree = CgroupTree.read(root: Self.fixture("linux-3.10-rhel7-v1", io: io))
        let httpd = try #require(tree.cgroups.first { $0.path == "/system.slice/httpd.service" })
        #expect(httpd.slabBytes == nil)
        #expect(tree.unavailable.isEmpty)
    }
}
