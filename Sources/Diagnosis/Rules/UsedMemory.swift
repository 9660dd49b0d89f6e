import KernelFiles
import MemoryModel

/// The two "used" figures the doctor shows and why they differ.
///
/// - procps (`free`, procps-ng 4): used = MemTotal − MemAvailable. Before
///   Linux 3.14 there is no MemAvailable and procps 4 takes available =
///   MemFree, so the whole page cache counts as used there.
/// - counting reclaimable slab: used = MemTotal − MemFree − page cache
///   (Cached − Shmem) − Buffers. Only file pages, which the kernel drops
///   cheaply, count as free; reclaimable slab (dentries, inodes) counts as
///   used, because a runaway cache may not shrink (the incident). Shmem
///   stays used: tmpfs pages cannot be dropped.
///
/// Thresholds are judged on the second figure: it alarms on runaway slab,
/// and it never alarms on a large page cache, also on old kernels.
public struct UsedMemory: Sendable, Equatable {
    public enum AvailableSource: String, Sendable {
        /// MemAvailable from the kernel (3.14+).
        case memAvailable = "MemAvailable"
        /// No MemAvailable: procps 4 uses MemFree.
        case memFreeFallback = "MemFree (no MemAvailable on this kernel)"
    }

    public var total: UInt64
    public var procpsUsed: UInt64
    public var availableSource: AvailableSource
    public var withReclaimableSlab: UInt64
    /// Cached − Shmem + Buffers: what the second figure counts as free besides MemFree.
    public var pageCache: UInt64
    public var reclaimableSlab: UInt64?
    /// The kernel's MemAvailable formula applied by hand on a kernel without
    /// it (needs min_free_kbytes); shown for comparison, nil otherwise.
    public var legacyAvailableEstimate: UInt64?

    public init?(_ meminfo: Meminfo, minFreeBytes: UInt64?) {
        guard let total = meminfo.memTotal, total > 0, let memFree = meminfo.memFree else { return nil }
        let free = FreeSummary(meminfo)
        self.total = total
        procpsUsed = free.used ?? (memFree < total ? total - memFree : 0)
        availableSource = meminfo.memAvailable == nil || free.availableEstimated ? .memFreeFallback : .memAvailable
        let cached = meminfo.cached ?? 0
        let shmem = meminfo.shmem ?? 0
        pageCache = (cached > shmem ? cached - shmem : 0) &+ (meminfo.buffers ?? 0)
        let freeish = memFree &+ pageCache
        withReclaimableSlab = freeish < total ? total - freeish : 0
        reclaimableSlab = meminfo.sReclaimable
        legacyAvailableEstimate = meminfo.memAvailable == nil
            ? FreeSummary.legacyAvailableEstimate(meminfo, minFreeBytes: minFreeBytes) : nil
    }

    public var procpsPercent: Double { Double(procpsUsed) / Double(total) * 100 }
    public var withReclaimableSlabPercent: Double { Double(withReclaimableSlab) / Double(total) * 100 }
}
