import KernelFiles
import SystemPackage
import Testing
import TestSupport

@Suite struct SlabinfoTests {
    @Test(arguments: Fixtures.kernelNames)
    func parsesEveryFixtureKernel(_ kernel: String) throws {
        let slabinfo: Slabinfo
        do {
            slabinfo = try Fixtures.kernel(kernel).slabinfo(buffer: ReadBuffer())
        } catch {
            // A kernel without the file: the source is unavailable, which is fine.
            guard case .read(let read) = error, read.errno == .noSuchFileOrDirectory else { throw error }
            return
        }
        #expect(slabinfo.version == .v2_1)
        #expect(slabinfo.caches.count > 20)
        #expect(slabinfo.caches.contains { $0.name == "dentry" })
        for cache in slabinfo.caches {
            #expect(cache.activeObjs <= cache.numObjs, "\(cache.name)")
            #expect(cache.activeSlabs <= cache.numSlabs, "\(cache.name)")
            #expect(cache.objSize > 0 && cache.pagesPerSlab > 0, "\(cache.name)")
        }
    }

    @Test(arguments: ["linux-3.10-rhel7", "linux-4.19-debian10", "linux-5.15-ubuntu22", "linux-6.18-sandbox"])
    func slubRowsHaveNoTunablesAndAllSlabsActive(_ kernel: String) throws {
        let slabinfo = try Fixtures.kernel(kernel).slabinfo(buffer: ReadBuffer())
        for cache in slabinfo.caches {
            #expect(cache.tunables == Slabinfo.Tunables(limit: 0, batchcount: 0, sharedfactor: 0), "\(cache.name)")
            #expect(cache.activeSlabs == cache.numSlabs, "\(cache.name): SLUB prints num_slabs twice")
            #expect(cache.sharedAvail == 0)
        }
    }

    @Test func rhel6SlabRowsKeepTheirTunablesAndTheIncidentDentryCache() throws {
        let slabinfo = try Fixtures.kernel("linux-2.6.32-rhel6").slabinfo(buffer: ReadBuffer())
        let dentry = try #require(slabinfo.caches.first { $0.name == "dentry" })
        #expect(dentry.objSize == 192)
        #expect(dentry.tunables == Slabinfo.Tunables(limit: 120, batchcount: 60, sharedfactor: 8))
        #expect(dentry.activeSlabs == 9_699_950 && dentry.numSlabs == 9_700_000)
        #expect(dentry.sharedAvail == 44)
        // ~37 GiB in 4 KiB single-page slabs.
        #expect(dentry.numSlabs * dentry.pagesPerSlab * 4096 / (1 << 30) == 37)
        #expect(slabinfo.caches.contains { $0.name == "size-32(DMA)" }, "SLAB's DMA cache names keep their parentheses")
    }

    /// A 2.6.0-era file: the header calls the tunables `<batchcount> <limit>`,
    /// but mm/slab.c printed limit first (120 = limit, 60 = batchcount).
    @Test func parsesVersion20WithTheKernelsColumnOrder() throws {
        let text = """
            slabinfo - version: 2.0
            # name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab> : tunables <batchcount> <limit> <sharedfactor> : slabdata <active_slabs> <num_slabs> <sharedavail>
            rpc_buffers            8      8   2048    2    1 : tunables   24   12    0 : slabdata      4      4      0
            dentry_cache        4452   4452    144   27    1 : tunables  120   60    0 : slabdata    164    164      0

            """
        let slabinfo = try parseText(text, path: "/proc/slabinfo", Slabinfo.parse)
        #expect(slabinfo.version == .v2_0)
        #expect(slabinfo.statistics == false)
        #expect(slabinfo.caches.count == 2)
        let dentry = slabinfo.caches[1]
        #expect(dentry.name == "dentry_cache" && dentry.activeObjs == 4452 && dentry.objPerSlab == 27)
        #expect(dentry.tunables == Slabinfo.Tunables(limit: 120, batchcount: 60, sharedfactor: 0))
    }

    @Test(arguments: [
        ("2.0", "globalstat  664846 590238 26829    0    0    1   70"),
        ("2.1", "globalstat  664846 590238 26829    0    0    1   70    3"),
    ])
    func parsesStatisticsRows(_ version: String, _ globalstat: String) throws {
        let text = "slabinfo - version: \(version) (statistics)\n# name ...\n"
            + "broken               128   2486    180   22    1 : tunables   32   16    8 : slabdata    113    113    128 : "
            + globalstat + " : cpustat 1 974008  78670 1990714\n"
        let slabinfo = try parseText(text, path: "/proc/slabinfo", Slabinfo.parse)
        #expect(slabinfo.statistics)
        #expect(slabinfo.caches.first?.sharedAvail == 128)
    }

    @Test(arguments: Fixtures.malformed("slabinfo").map(\.name))
    func rejectsMalformedWithFileAndLine(_ name: String) throws {
        let bytes = try #require(Fixtures.malformed("slabinfo").first { $0.name == name }?.bytes)
        do {
            let parsed = try parseBytes(bytes, path: "/proc/slabinfo", Slabinfo.parse)
            Issue.record("\(name) parsed as \(parsed.caches.count) caches")
        } catch {
            #expect(error.path == "/proc/slabinfo")
            if name == "empty" {
                #expect(error.line == nil)
            } else {
                let line = try #require(error.line, "\(name)")
                #expect(line >= 1 && line <= 3, "\(name)")
                #expect(error.description.contains("/proc/slabinfo line \(line)"))
            }
        }
    }

    @Test func permissionDeniedIsAReadErrorNamingThePath() {
        let root = ProcRoot(Fixtures.kernelPath("linux-5.15-ubuntu22"), io: FaultyIO.failing(["proc/slabinfo": .permissionDenied]))
        #expect(throws: SourceError.read(ReadError(path: root.path("proc/slabinfo"), errno: .permissionDenied))) {
            try root.slabinfo(buffer: ReadBuffer())
        }
    }
}

@Suite struct SlabCacheDirectoryTests {
    @Test func listsMergedNamesFromLinksWithoutFollowingThem() throws {
        let root = Fixtures.kernel("linux-5.15-ubuntu22")
        let directory = try root.slabCacheDirectory()
        #expect(directory.directories.sorted() == [":0000192", ":A-0000192", "dentry"])
        #expect(directory.directory(of: "kmalloc-192") == ":0000192")
        #expect(directory.aliases(of: "kmalloc-192") == ["file_lock_cache", "ip4-frags"])
        #expect(directory.aliases(of: "cred_jar") == ["kmalloc-cg-192"])
        #expect(directory.aliases(of: "dentry") == [])
        #expect(directory.directory(of: "no-such-cache") == nil)
    }

    @Test func readsAttributesTakingTheTotalOfPerNodeFiles() throws {
        let root = Fixtures.kernel("linux-5.15-ubuntu22")
        let dentry = try root.slabCacheAttributes("dentry", buffer: ReadBuffer())
        #expect(dentry.objectSize == 192 && dentry.slabSize == 192 && dentry.objsPerSlab == 21 && dentry.order == 0)
        #expect(dentry.objects == 211_823 && dentry.slabs == 10_768)
        #expect(dentry.reclaimAccount == true && dentry.aliases == 0)
        let merged = try root.slabCacheAttributes(":0000192", buffer: ReadBuffer())
        #expect(merged.aliases == 2 && merged.reclaimAccount == false)
        #expect(try root.slabReclaimAccount("dentry", buffer: ReadBuffer()) == true)
    }

    @Test func theLiveCaptureAgreesWithItsAliasCounts() throws {
        // linux-6.18-sandbox is a real capture: a directory's `aliases` file
        // counts the links that point to it, less the cache's own name.
        let root = Fixtures.kernel("linux-6.18-sandbox")
        let directory = try root.slabCacheDirectory()
        let target = try #require(directory.directory(of: "file_lock_cache"))
        let attributes = try root.slabCacheAttributes(target, buffer: ReadBuffer())
        let links = directory.links.values.filter { $0 == target }.count
        #expect(attributes.aliases.map { Int($0) } == links - 1)
    }

    @Test func slabKernelsHaveNoDirectory() {
        #expect(throws: ReadError.self) { try Fixtures.kernel("linux-2.6.32-rhel6").slabCacheDirectory() }
        do {
            _ = try Fixtures.kernel("linux-2.6.32-rhel6").slabCacheDirectory()
        } catch {
            #expect(error.errno == .noSuchFileOrDirectory)
        }
    }

    @Test(arguments: [
        ("192\n", UInt64(192)),
        ("106113 N0=106113\n", UInt64(106_113)),
        ("20 N0=12 N1=8", UInt64(20)),
    ])
    func parsesTotals(_ text: String, _ expected: UInt64) throws {
        #expect(try parseText(text, SlabCacheAttributes.parseTotal) == expected)
    }

    @Test(arguments: ["", "\n", "x\n", "12 N0\n", "12 N0=x\n", "12 13\n"])
    func rejectsMalformedTotals(_ text: String) {
        #expect(throws: ParseError.self) { try parseText(text, path: "/sys/kernel/slab/x/objects", SlabCacheAttributes.parseTotal) }
    }
}
