import Diagnosis
import KernelFiles
import MemoryModel

/// The figures `fix drop-caches` measures before and after, read straight
/// from the kernel files (no full snapshot, so the two readings sit close
/// to the write): /proc/meminfo, /proc/slabinfo, /proc/sys/fs/dentry-state
/// and inode-state. A figure that could not be read is nil; `unavailable`
/// says why.
public struct CacheFigures: Sendable, Equatable {
    public var memFree: UInt64?
    /// `Cached` (page cache, Shmem included).
    public var cached: UInt64?
    public var shmem: UInt64?
    public var dirty: UInt64?
    public var writeback: UInt64?
    public var sReclaimable: UInt64?
    public var memTotal: UInt64?
    /// The `dentry` cache's CACHE SIZE (slabtop's figure) and active objects.
    public var dentryBytes: UInt64?
    public var dentryObjects: UInt64?
    /// Every inode cache (`SlabNames.isInodeCache`), summed.
    public var inodeBytes: UInt64?
    public var inodeObjects: UInt64?
    public var dentryState: DentryState?
    public var inodeState: InodeState?
    public var unavailable: [Unavailable]

    public init(memFree: UInt64? = nil, cached: UInt64? = nil, shmem: UInt64? = nil, dirty: UInt64? = nil,
                writeback: UInt64? = nil, sReclaimable: UInt64? = nil, memTotal: UInt64? = nil,
                dentryBytes: UInt64? = nil, dentryObjects: UInt64? = nil, inodeBytes: UInt64? = nil,
                inodeObjects: UInt64? = nil, dentryState: DentryState? = nil, inodeState: InodeState? = nil,
                unavailable: [Unavailable] = []) {
        self.memFree = memFree
        self.cached = cached
        self.shmem = shmem
        self.dirty = dirty
        self.writeback = writeback
        self.sReclaimable = sReclaimable
        self.memTotal = memTotal
        self.dentryBytes = dentryBytes
        self.dentryObjects = dentryObjects
        self.inodeBytes = inodeBytes
        self.inodeObjects = inodeObjects
        self.dentryState = dentryState
        self.inodeState = inodeState
        self.unavailable = unavailable
    }

    /// Reads the figures through `root`; never fails.
    public static func read(_ root: ProcRoot, buffer: ReadBuffer = ReadBuffer()) -> CacheFigures {
        var attempt = SourceAttempt(root: root)
        var figures = CacheFigures()
        if let meminfo = attempt.read({ () throws(SourceError) in try root.meminfo(buffer: buffer) }) {
            figures.memFree = meminfo.memFree
            figures.cached = meminfo.cached
            figures.shmem = meminfo.shmem
            figures.dirty = meminfo["Dirty"]
            figures.writeback = meminfo["Writeback"]
            figures.sReclaimable = meminfo.sReclaimable
            figures.memTotal = meminfo.memTotal
        }
        if let slabinfo = attempt.read({ () throws(SourceError) in try root.slabinfo(buffer: buffer) }) {
            let pageSize = HostPageSize.bytesOrAssumed(HostPageSize.of(root, buffer: buffer))
            var dentryBytes: UInt64 = 0, dentryObjects: UInt64 = 0, inodeBytes: UInt64 = 0, inodeObjects: UInt64 = 0
            for cache in slabinfo.caches {
                if cache.name == "dentry" {
                    dentryBytes &+= SlabTable.cacheSize(cache, pageSize: pageSize)
                    dentryObjects &+= cache.activeObjs
                } else if SlabNames.isInodeCache(cache.name) {
                    inodeBytes &+= SlabTable.cacheSize(cache, pageSize: pageSize)
                    inodeObjects &+= cache.activeObjs
                }
            }
            figures.dentryBytes = dentryBytes
            figures.dentryObjects = dentryObjects
            figures.inodeBytes = inodeBytes
            figures.inodeObjects = inodeObjects
        }
        figures.dentryState = attempt.read { () throws(SourceError) in try root.dentryState(buffer: buffer) }
        figures.inodeState = attempt.read { () throws(SourceError) in try root.inodeState(buffer: buffer) }
        figures.unavailable = attempt.unavailable
        return figures
    }

    /// Page cache the kernel can drop: Cached − Shmem − Dirty − Writeback
    /// (tmpfs pages and pages not yet written cannot be dropped; mapped
    /// pages in use stay too, so this is an upper bound).
    public var droppablePageCache: UInt64? {
        guard let cached else { return nil }
        let kept = (shmem ?? 0) &+ (dirty ?? 0) &+ (writeback ?? 0)
        return cached > kept ? cached - kept : 0
    }

    /// Dirty + Writeback: what a sync has still to write.
    public var unwritten: UInt64? {
        guard dirty != nil || writeback != nil else { return nil }
        return (dirty ?? 0) &+ (writeback ?? 0)
    }

    /// Unused dentries' share of the dentry cache: only those on the LRU
    /// (nr_unused, negative ones included) can be dropped; in-use ones stay.
    public var droppableDentryBytes: UInt64? {
        guard let bytes = dentryBytes else { return nil }
        guard let state = dentryState, state.nrDentry > 0 else { return bytes }
        return UInt64(Double(bytes) * min(1, Double(state.nrUnused) / Double(state.nrDentry)))
    }

    /// The inode caches' share that can go: an inode is freed when it is
    /// unused (nr_free_inodes) or when only unused dentries pinned it, so
    /// the larger of the two shares (modern kernels report nr_free_inodes
    /// near 0 because dentry-pinned inodes are not on the inode LRU).
    public var droppableInodeBytes: UInt64? {
        guard let bytes = inodeBytes else { return nil }
        var share = 1.0
        if let state = inodeState, state.nrInodes > 0 {
            share = min(1, Double(state.nrFreeInodes) / Double(state.nrInodes))
            if let dentries = dentryState, dentries.nrDentry > 0 {
                share = max(share, min(1, Double(dentries.nrUnused) / Double(dentries.nrDentry)))
            }
        }
        return UInt64(Double(bytes) * share)
    }
}
