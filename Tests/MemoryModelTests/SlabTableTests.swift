import KernelFiles
import MemoryModel
import Testing
import TestSupport

@Suite struct SlabTableTests {
    static func cache(_ name: String, active: UInt64, num: UInt64, size: UInt64, perSlab: UInt64, pages: UInt64,
                      slabs: UInt64, activeSlabs: UInt64? = nil) -> Slabinfo.Cache {
        Slabinfo.Cache(name: name, activeObjs: active, numObjs: num, objSize: size, objPerSlab: perSlab,
                       pagesPerSlab: pages, activeSlabs: activeSlabs ?? slabs, numSlabs: slabs)
    }

    static let sample = Slabinfo(version: .v2_1, caches: [
        cache("kmalloc-8k", active: 220, num: 232, size: 8192, perSlab: 4, pages: 8, slabs: 58),
        cache("dentry", active: 132313, num: 132363, size: 192, perSlab: 21, pages: 1, slabs: 6303),
        cache("empty", active: 0, num: 0, size: 16, perSlab: 256, pages: 1, slabs: 0),
        cache("fuse_inode", active: 29, num: 100, size: 832, perSlab: 39, pages: 8, slabs: 3, activeSlabs: 2),
    ])

    @Test func cacheSizeIsSlabsTimesPagesTimesPageSize() {
        let table = SlabTable(slabinfo: Self.sample, pageSize: 4096)
        let sizes = Dictionary(uniqueKeysWithValues: table.rows.map { ($0.cache.name, $0.sizeBytes) })
        #expect(sizes["kmalloc-8k"] == 58 * 8 * 4096)
        #expect(sizes["dentry"] == 6303 * 4096)
        #expect(sizes["empty"] == 0)
        // A bundle from a 64 KiB-page host passes its own page size.
        #expect(SlabTable(slabinfo: Self.sample, pageSize: 65536).totals.sizeBytes == (58 * 8 + 6303 + 3 * 8) * 65536)
    }

    @Test func usePercentIsProcpsFloatTruncation() {
        let table = SlabTable(slabinfo: Self.sample, pageSize: 4096)
        let use = Dictionary(uniqueKeysWithValues: table.rows.map { ($0.cache.name, $0.usePercent) })
        #expect(use["dentry"] == 99)
        #expect(use["empty"] == 0, "an empty cache is 0%, not a division by zero")
        // (unsigned)(100 * (29.0f / 100)) is 29; in double it would be 28.
        #expect(use["fuse_inode"] == 29)
        #expect(use["kmalloc-8k"] == 94)
    }

    @Test func totalsFollowPrintSummary() {
        let t = SlabTable(slabinfo: Self.sample, pageSize: 4096).totals
        #expect(t.activeObjs == 220 + 132313 + 29 && t.numObjs == 232 + 132363 + 100)
        #expect(t.activeSlabs == 58 + 6303 + 2 && t.numSlabs == 58 + 6303 + 3)
        #expect(t.caches == 4 && t.activeCaches == 3, "active caches are those with objects")
        #expect(t.activeSize == 220 * 8192 + 132313 * 192 + 29 * 832)
        #expect(t.totalSize == 232 * 8192 + 132363 * 192 + 100 * 832)
        #expect(t.minObjSize == 16, "the minimum counts empty caches too")
        #expect(t.maxObjSize == 8192)
        #expect(t.averageObjSize == t.totalSize / t.numObjs)
        #expect(t.pages == 58 * 8 + 6303 + 3 * 8)
    }

    @Test func noCachesLeavesProcpsStartingMinimum() {
        let t = SlabTable(slabinfo: Slabinfo(version: .v2_1, caches: []), pageSize: 4096).totals
        #expect(t.minObjSize == UInt64(Int32.max) && t.maxObjSize == 0 && t.averageObjSize == 0)
    }

    @Test func sortsLikeSlabtopWithTiesInKernelOrder() {
        let tied = Slabinfo(version: .v2_1, caches: [
            Self.cache("b", active: 1, num: 10, size: 64, perSlab: 64, pages: 1, slabs: 1),
            Self.cache("a", active: 5, num: 10, size: 64, perSlab: 64, pages: 1, slabs: 1),
            Self.cache("c", active: 3, num: 20, size: 64, perSlab: 64, pages: 1, slabs: 1),
        ])
        func names(_ key: SlabTable.SortKey) -> [String] {
            SlabTable(slabinfo: tied, pageSize: 4096, sort: key).rows.map(\.cache.name)
        }
        #expect(names(.objs) == ["c", "b", "a"], "descending; b before a as in the file")
        #expect(names(.active) == ["a", "c", "b"])
        #expect(names(.name) == ["a", "b", "c"])
        #expect(names(.size) == ["b", "a", "c"], "all equal: the kernel's order")
    }

    @Test func growthBetweenTwoSamples() throws {
        let before = Slabinfo(version: .v2_1, caches: [
            Self.cache("dentry", active: 1000, num: 1050, size: 192, perSlab: 21, pages: 1, slabs: 50),
            Self.cache("filp", active: 500, num: 512, size: 256, perSlab: 16, pages: 1, slabs: 32),
        ])
        let after = Slabinfo(version: .v2_1, caches: [
            Self.cache("dentry", active: 3000, num: 3150, size: 192, perSlab: 21, pages: 1, slabs: 150),
            Self.cache("filp", active: 400, num: 496, size: 256, perSlab: 16, pages: 1, slabs: 31),
            Self.cache("new_cache", active: 1, num: 1, size: 64, perSlab: 64, pages: 1, slabs: 1),
        ])
        let first = SlabTable(slabinfo: before, pageSize: 4096)
        #expect(first.rows.allSatisfy { $0.growth == nil }, "no growth on the first frame")
        let table = SlabTable(slabinfo: after, pageSize: 4096, sort: .growth, previous: (before, 2.0))
        #expect(table.rows.map(\.cache.name) == ["dentry", "filp", "new_cache"])
        let dentry = try #require(table.rows[0].growth)
        #expect(dentry.objectsPerSecond == 1000)
        #expect(dentry.bytesPerSecond == 100 * 4096 / 2)
        let filp = try #require(table.rows[1].growth)
        #expect(filp.objectsPerSecond == -50, "a shrinking cache is negative growth: these are gauges")
        #expect(table.rows[2].growth == nil, "a cache the previous sample lacked has no growth")
        #expect(SlabTable(slabinfo: after, pageSize: 4096, previous: (before, 0)).rows.allSatisfy { $0.growth == nil })
    }

    @Test func aliasesAndReclaimableComeFromSysfsWhenGiven() throws {
        let root = Fixtures.kernel("linux-5.15-ubuntu22")
        let slabinfo = try root.slabinfo(buffer: ReadBuffer())
        let directory = try root.slabCacheDirectory()
        let table = SlabTable(slabinfo: slabinfo, pageSize: 4096, directory: directory, reclaimable: ["dentry": true])
        let kmalloc = try #require(table.rows.first { $0.cache.name == "kmalloc-192" })
        #expect(kmalloc.aliases == ["file_lock_cache", "ip4-frags"])
        #expect(kmalloc.reclaimable == nil)
        #expect(table.rows.first { $0.cache.name == "dentry" }?.reclaimable == true)
        #expect(SlabTable(slabinfo: slabinfo, pageSize: 4096).rows.allSatisfy { $0.aliases == nil })
    }

    @Test func absurdValuesSaturateInsteadOfTrapping() {
        let huge = Slabinfo(version: .v2_1, caches: [
            Self.cache("x", active: .max, num: .max, size: .max, perSlab: 1, pages: .max, slabs: .max),
            Self.cache("y", active: .max, num: .max, size: 1, perSlab: 1, pages: 1, slabs: 1),
        ])
        let table = SlabTable(slabinfo: huge, pageSize: 4096)
        #expect(table.totals.sizeBytes == .max && table.totals.numObjs == .max)
    }
}
