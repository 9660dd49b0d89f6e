import KernelFiles

/// The memory cgroups of a host: who holds memory, who is at its limit,
/// who was OOM-killed, and where dying cgroups pile up.
///
/// cgroup v2: every directory of the unified hierarchy with `memory.current`.
/// cgroup v1: every directory of the hierarchy the memory controller is
/// mounted on. A hybrid host (systemd's default from v233 to v247) mounts
/// both; the memory controller is on one of them only, and the tree is
/// read from wherever it is.
public struct CgroupTree: Sendable, Equatable {
    /// Which hierarchies the host mounts: `"2"`, `"1"` or `"hybrid"` (both).
    public enum Version: String, Sendable, Equatable {
        case v2 = "2"
        case v1 = "1"
        case hybrid
    }

    /// One memory cgroup. Every figure is nil when the kernel does not
    /// provide it for this cgroup version or release.
    public struct Cgroup: Sendable, Equatable {
        /// As `/proc/PID/cgroup` names it: "/" or "/system.slice/sshd.service".
        public var path: String
        /// The hierarchy it was read from: 1 or 2.
        public var version: Int
        /// v2 `memory.current`, v1 `memory.usage_in_bytes`; with descendants.
        public var currentBytes: UInt64?
        /// v2 `memory.max`, v1 `memory.limit_in_bytes`; nil when unreadable,
        /// `.unlimited` when there is no limit.
        public var limit: CgroupLimit?
        /// v2 `anon`; v1 `total_rss` (`rss` without use_hierarchy).
        public var anonBytes: UInt64?
        /// v2 `file`; v1 `total_cache`.
        public var fileBytes: UInt64?
        /// v2 `kernel` (5.18+); v1 `memory.kmem.usage_in_bytes`.
        public var kernelBytes: UInt64?
        public var slabReclaimableBytes: UInt64?
        public var slabUnreclaimableBytes: UInt64?
        /// v2 reclaimable + unreclaimable; v1 the sum of `memory.kmem.slabinfo` (3.8–5.8).
        public var slabBytes: UInt64?
        public var sockBytes: UInt64?
        /// v2 `shmem`; v1 `total_shmem`.
        public var shmemBytes: UInt64?
        /// v2 `memory.swap.current`; v1 `total_swap`.
        public var swapBytes: UInt64?
        /// v2 `memory.events` oom_kill; v1 `memory.oom_control` oom_kill (4.13+).
        public var oomKill: UInt64?
        /// v2 `cgroup.stat` (4.14+); v1 has no per-cgroup count.
        public var nrDyingDescendants: UInt64?
        /// v1 only: the slab caches charged to this cgroup, largest first.
        public var slabCaches: [SlabShare]?

        public init(path: String, version: Int) {
            self.path = path
            self.version = version
        }

        /// The limit in bytes; nil when unlimited or unknown.
        public var limitBytes: UInt64? { limit?.bytes }
    }

    /// One slab cache's share of a v1 cgroup's kernel memory.
    public struct SlabShare: Sendable, Equatable {
        public var name: String
        public var activeObjs: UInt64
        public var numObjs: UInt64
        /// num_slabs × pagesperslab × page size, as slabtop's CACHE SIZE.
        public var sizeBytes: UInt64

        public init(name: String, activeObjs: UInt64, numObjs: UInt64, sizeBytes: UInt64) {
            self.name = name
            self.activeObjs = activeObjs
            self.numObjs = numObjs
            self.sizeBytes = sizeBytes
        }
    }

    /// nil when no cgroup hierarchy is mounted (or mountinfo is unreadable).
    public var version: Version?
    /// Largest usage first; at most `top` of them.
    public var cgroups: [Cgroup]
    /// How many memory cgroups there are, before `top` cut the list.
    public var totalCount: Int
    /// Dying memory cgroups on the whole host: v2 the hierarchy root's
    /// `nr_dying_descendants`; v1 `/proc/cgroups` num_cgroups minus the
    /// directories seen (nil when the walk did not see the whole hierarchy).
    public var dyingCgroups: UInt64?
    public var unavailable: [Unavailable]

    public init(version: Version?, cgroups: [Cgroup], totalCount: Int, dyingCgroups: UInt64?, unavailable: [Unavailable]) {
        self.version = version
        self.cgroups = cgroups
        self.totalCount = totalCount
        self.dyingCgroups = dyingCgroups
        self.unavailable = unavailable
    }

    /// Largest usage first, then by path so output is stable.
    public static func byUsage(_ a: Cgroup, _ b: Cgroup) -> Bool {
        let left = a.currentBytes ?? 0, right = b.currentBytes ?? 0
        return left != right ? left > right : a.path < b.path
    }

    /// The cgroups holding slab, largest first: which service or container
    /// holds the kernel's slab memory (the hierarchy root excluded).
    public var slabHolders: [Cgroup] {
        cgroups.filter { $0.path != "/" && ($0.slabBytes ?? 0) > 0 }.sorted {
            let left = $0.slabBytes ?? 0, right = $1.slabBytes ?? 0
            return left != right ? left > right : $0.path < $1.path
        }
    }
}
