import KernelFiles
import MemoryModel

/// Slab figures several rules read from a snapshot, sized as slabtop's
/// CACHE SIZE (num_slabs × pagesperslab × page size).
struct SlabCacheSize: Sendable, Equatable {
    var name: String
    var bytes: UInt64
    var objects: UInt64
    var objectSize: UInt64
    /// `reclaim_account` from /sys/kernel/slab, where it could be read.
    var reclaimable: Bool?
}

extension Snapshot {
    static let slabinfoSource = "/proc/slabinfo"

    /// Every cache with its size, largest first.
    var slabCacheSizes: [SlabCacheSize] {
        guard let slab else { return [] }
        return slab.slabinfo.caches.map { cache in
            SlabCacheSize(name: cache.name, bytes: SlabTable.cacheSize(cache, pageSize: pageSizeBytes),
                          objects: cache.numObjs, objectSize: cache.objSize, reclaimable: slab.reclaimable[cache.name])
        }.sorted { $0.bytes > $1.bytes }
    }

    func slabCache(_ name: String) -> SlabCacheSize? { slabCacheSizes.first { $0.name == name } }

    /// Bytes of the caches whose names match, summed.
    func slabBytes(matching predicate: (String) -> Bool) -> UInt64? {
        guard slab != nil else { return nil }
        return slabCacheSizes.filter { predicate($0.name) }.reduce(0) { $0 &+ $1.bytes }
    }
}

public enum SlabNames {
    /// Inode caches: the VFS's own and each file system's.
    public static func isInodeCache(_ name: String) -> Bool {
        name.hasSuffix("inode_cache") || name.hasSuffix("_inode") || name == "inode_cache"
    }

    /// Generic allocations: SLUB/SLAB `kmalloc-*` (and `dma-kmalloc-*`),
    /// the SLAB allocator's `size-*` on 2.6 kernels.
    static func isGeneric(_ name: String) -> Bool {
        name.hasPrefix("kmalloc-") || name.hasPrefix("dma-kmalloc-") || name.hasPrefix("size-")
    }

    /// Caches known to be reclaimable (SLAB_RECLAIM_ACCOUNT) when sysfs does
    /// not say: the VFS caches and buffer heads.
    static func isKnownReclaimable(_ name: String) -> Bool {
        name == "dentry" || isInodeCache(name) || name == "buffer_head" || name == "radix_tree_node"
            || name.hasPrefix("kmalloc-rcl-")
    }
}
