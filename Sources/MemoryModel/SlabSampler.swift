#if canImport(Glibc)
import Glibc
#endif
import KernelFiles

/// One reading of the slab sources at a moment, raw: `/proc/slabinfo` and,
/// where read, the `/sys/kernel/slab` listing (aliases) and each cache's
/// `reclaim_account`. `SlabTable` is derived from it when shown, so a stored
/// sample replays through the same view.
public struct SlabSample: Sendable, Equatable {
    public var slabinfo: Slabinfo
    public var directory: SlabCacheDirectory?
    /// `reclaim_account` per slabinfo cache name, where read.
    public var reclaimable: [String: Bool]
    /// The optional sources that could not be read (sysfs).
    public var unavailable: [Unavailable]
    /// CLOCK_MONOTONIC seconds when read; growth divides by the difference.
    public var time: Double

    public init(slabinfo: Slabinfo, directory: SlabCacheDirectory?, reclaimable: [String: Bool],
                unavailable: [Unavailable], time: Double) {
        self.slabinfo = slabinfo
        self.directory = directory
        self.reclaimable = reclaimable
        self.unavailable = unavailable
        self.time = time
    }

    /// The slabtop table; `pageSize` is the sampled host's (CACHE SIZE
    /// depends on it), `previous` gives the GROWTH column.
    public func table(sort: SlabTable.SortKey, previous: SlabSample?, pageSize: UInt64) -> SlabTable {
        SlabTable(
            slabinfo: slabinfo, pageSize: pageSize, sort: sort, directory: directory, reclaimable: reclaimable,
            previous: previous.map { (slabinfo: $0.slabinfo, seconds: time - $0.time) })
    }
}

/// Reads `SlabSample`s: /proc/slabinfo (required) and /sys/kernel/slab
/// (optional). The one place that gathers the slab area.
public struct SlabSampler {
    public let root: ProcRoot
    public let buffer: ReadBuffer
    /// Read /sys/kernel/slab for aliases and reclaimability: one or two
    /// syscalls per cache, more than `slabtop -o` spends on its whole run,
    /// so the text views leave it off (docs/PERFORMANCE.md).
    public let includeSysfs: Bool
    /// Sysfs facts kept between samples (`serve`); nil reads them every time.
    public let attributeCache: SlabAttributeCache?

    public init(root: ProcRoot, buffer: ReadBuffer = ReadBuffer(), includeSysfs: Bool,
                attributeCache: SlabAttributeCache? = nil) {
        self.root = root
        self.buffer = buffer
        self.includeSysfs = includeSysfs
        self.attributeCache = attributeCache
    }

    /// Throws slabinfo's failure; sysfs failures are in the sample's `unavailable`.
    public func sample() throws(SourceError) -> SlabSample {
        let slabinfo = try root.slabinfo(buffer: buffer)
        var attempt = SourceAttempt(root: root)
        var directory: SlabCacheDirectory?
        var reclaimable: [String: Bool] = [:]
        if includeSysfs, let attributeCache, let kept = attributeCache.facts(for: slabinfo, now: Self.monotonic()) {
            return SlabSample(slabinfo: slabinfo, directory: kept.directory, reclaimable: kept.reclaimable,
                              unavailable: kept.unavailable, time: Self.monotonic())
        }
        if includeSysfs {
            directory = attempt.read { () throws(SourceError) in
                do throws(ReadError) { return try root.slabCacheDirectory() } catch { throw .read(error) }
            }
            if let listing = directory {
                for cache in slabinfo.caches {
                    guard let name = listing.directory(of: cache.name) else { continue }
                    let flag = attempt.read { () throws(SourceError) in try root.slabReclaimAccount(name, buffer: buffer) }
                    if let flag = flag ?? nil { reclaimable[cache.name] = flag }
                }
            }
        }
        let now = Self.monotonic()
        if includeSysfs, let attributeCache {
            attributeCache.keep(SlabAttributeCache.Facts(
                directory: directory, reclaimable: reclaimable, unavailable: attempt.unavailable,
                names: Set(slabinfo.caches.map(\.name)), time: now))
        }
        return SlabSample(
            slabinfo: slabinfo, directory: directory, reclaimable: reclaimable, unavailable: attempt.unavailable,
            time: now)
    }

    static func monotonic() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }
}
