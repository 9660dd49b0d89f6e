import Foundation
import KernelFiles
import MemoryModel
import Testing
import TestSupport

/// `serve` keeps /sys/kernel/slab's facts between scrapes: the kept facts
/// give the same sample as reading them, without opening a sysfs file,
/// until the interval passes or slabinfo names a cache not seen before.
@Suite struct SlabAttributeCacheTests {
    static let kernel = "linux-6.18-sandbox"

    static func sample(_ root: ProcRoot, cache: SlabAttributeCache?) throws -> (sample: SlabSample, sysfsOpened: Int) {
        let log = ReadLog(for: root)
        let sample = try SlabSampler(root: root.logging(into: log), includeSysfs: true, attributeCache: cache).sample()
        return (sample, log.files.filter { $0.hasPrefix("sys/kernel/slab/") }.count)
    }

    @Test func keptFactsGiveTheSameSampleWithoutReadingSysfs() throws {
        let root = Fixtures.kernel(Self.kernel)
        let uncached = try Self.sample(root, cache: nil)
        #expect(uncached.sysfsOpened > 100)
        let cache = SlabAttributeCache(interval: 300)
        #expect(cache.age(now: 0) == nil)
        let first = try Self.sample(root, cache: cache)
        #expect(first.sysfsOpened == uncached.sysfsOpened)
        let second = try Self.sample(root, cache: cache)
        #expect(second.sysfsOpened == 0)
        #expect(second.sample.directory == uncached.sample.directory)
        #expect(second.sample.reclaimable == uncached.sample.reclaimable)
        #expect(second.sample.slabinfo == uncached.sample.slabinfo)
    }

    @Test func zeroIntervalReadsEveryTime() throws {
        let root = Fixtures.kernel(Self.kernel)
        let cache = SlabAttributeCache(interval: 0)
        let first = try Self.sample(root, cache: cache)
        let second = try Self.sample(root, cache: cache)
        #expect(second.sysfsOpened == first.sysfsOpened)
        #expect(second.sysfsOpened > 100)
    }

    /// A cache created since the facts were read (a module loaded): read again.
    @Test func aNewCacheInSlabinfoRefreshesTheFacts() throws {
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("slab-cache-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: copy + "/proc", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: copy + "/sys/kernel", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: copy) }
        let source = Fixtures.kernelPath(Self.kernel)
        try FileManager.default.copyItem(atPath: source + "/proc/slabinfo", toPath: copy + "/proc/slabinfo")
        try FileManager.default.copyItem(atPath: source + "/sys/kernel/slab", toPath: copy + "/sys/kernel/slab")
        let root = ProcRoot(copy)
        let cache = SlabAttributeCache(interval: 300)
        _ = try Self.sample(root, cache: cache)
        #expect(try Self.sample(root, cache: cache).sysfsOpened == 0)

        let line = "memsleuth_test_cache   10     10    128   32    1 : tunables    0    0    0 : slabdata      1      1      0\n"
        let handle = try #require(FileHandle(forWritingAtPath: copy + "/proc/slabinfo"))
        handle.seekToEndOfFile()
        handle.write(Data(line.utf8))
        try handle.close()
        let refreshed = try Self.sample(root, cache: cache)
        #expect(refreshed.sysfsOpened > 100)
        #expect(refreshed.sample.slabinfo.caches.contains { $0.name == "memsleuth_test_cache" })
        #expect(try Self.sample(root, cache: cache).sysfsOpened == 0)
    }
}
