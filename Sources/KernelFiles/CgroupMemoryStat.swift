/// A memory cgroup's `memory.stat`, cgroup v2 or v1: every `name value`
/// line, sizes in bytes (the kernel prints bytes here, not kB), event
/// counters as counts.
///
/// cgroup v2 (Linux 4.5+; `slab_reclaimable`/`slab_unreclaimable` since 4.14,
/// `kernel` since 5.18, `workingset_refault_anon/_file` since 5.9 — before
/// that one `workingset_refault`). Values are hierarchical: they include
/// the descendants.
///
///     anon 1531904
///     file 10805248
///     kernel_stack 16384
///     slab_reclaimable 412160
///     pgfault 60439
///
/// cgroup v1 (Linux 2.6.25+): the plain names count this cgroup alone, the
/// `total_` names include the descendants (with `use_hierarchy`).
///
///     cache 10805248
///     rss 7819264
///     hierarchical_memory_limit 9223372036854771712
///     total_cache 1656107008
///
/// Why a parser of its own rather than `Meminfo`: no colon and no unit,
/// and which lines are counts depends on the name, not on a `kB` suffix.
public struct CgroupMemoryStat: Sendable, Equatable {
    /// Every line in the kernel's order.
    public let values: CgroupKeyedValues

    public init(values: CgroupKeyedValues) { self.values = values }

    /// The value of a line by its kernel name, nil when this kernel does not print it.
    public subscript(name: String) -> UInt64? { values[name] }

    /// True for the lines that count events (page faults, refaults, scans)
    /// rather than bytes: `pg*`, `workingset_*`, `thp_*`, `numa_*`, `zswpin`…,
    /// with or without v1's `total_` prefix.
    public static func isEventCounter(_ name: String) -> Bool {
        let base = name.hasPrefix("total_") ? name.dropFirst("total_".count) : Substring(name)
        for prefix in ["pg", "workingset_", "thp_", "numa_", "zswpin", "zswpout", "zswpwb", "swpin", "swpout"]
        where base.hasPrefix(prefix) {
            return true
        }
        return false
    }

    // cgroup v2 names (bytes unless said otherwise).
    public var anon: UInt64? { self["anon"] }
    public var file: UInt64? { self["file"] }
    /// All kernel memory (5.18+).
    public var kernel: UInt64? { self["kernel"] }
    public var kernelStack: UInt64? { self["kernel_stack"] }
    public var pagetables: UInt64? { self["pagetables"] }
    public var percpu: UInt64? { self["percpu"] }
    public var sock: UInt64? { self["sock"] }
    public var vmalloc: UInt64? { self["vmalloc"] }
    public var shmem: UInt64? { self["shmem"] }
    public var fileMapped: UInt64? { self["file_mapped"] }
    public var fileDirty: UInt64? { self["file_dirty"] }
    public var fileWriteback: UInt64? { self["file_writeback"] }
    public var anonThp: UInt64? { self["anon_thp"] }
    public var slabReclaimable: UInt64? { self["slab_reclaimable"] }
    public var slabUnreclaimable: UInt64? { self["slab_unreclaimable"] }
    /// `slab` (5.x) or, where absent, reclaimable + unreclaimable.
    public var slab: UInt64? {
        if let slab = self["slab"] { return slab }
        guard let reclaimable = slabReclaimable, let unreclaimable = slabUnreclaimable else { return nil }
        let (sum, overflow) = reclaimable.addingReportingOverflow(unreclaimable)
        return overflow ? nil : sum
    }
    /// A count (5.9+; `workingset_refault` before).
    public var workingsetRefaultAnon: UInt64? { self["workingset_refault_anon"] }
    /// A count (5.9+; `workingset_refault` before).
    public var workingsetRefaultFile: UInt64? { self["workingset_refault_file"] }
    public var pgfault: UInt64? { self["pgfault"] }
    public var pgmajfault: UInt64? { self["pgmajfault"] }

    // cgroup v1 names: this cgroup alone, and `total_` with its descendants.
    public var cache: UInt64? { self["cache"] }
    public var rss: UInt64? { self["rss"] }
    public var rssHuge: UInt64? { self["rss_huge"] }
    public var mappedFile: UInt64? { self["mapped_file"] }
    public var dirty: UInt64? { self["dirty"] }
    public var writeback: UInt64? { self["writeback"] }
    public var swap: UInt64? { self["swap"] }
    public var hierarchicalMemoryLimit: UInt64? { self["hierarchical_memory_limit"] }
    public var totalCache: UInt64? { self["total_cache"] }
    public var totalRss: UInt64? { self["total_rss"] }
    public var totalShmem: UInt64? { self["total_shmem"] }
    public var totalSwap: UInt64? { self["total_swap"] }

    /// Parses a v1 or v2 `memory.stat`.
    public static func parse(_ bytes: UnsafeRawBufferPointer, path: String) throws(ParseError) -> CgroupMemoryStat {
        CgroupMemoryStat(values: try CgroupKeyedValues.parse(bytes, path: path))
    }
}

extension ProcRoot {
    /// Reads `<directory>/memory.stat`; `directory` is a cgroup directory
    /// relative to the root ("sys/fs/cgroup/system.slice").
    public func cgroupMemoryStat(_ directory: String, buffer: ReadBuffer) throws(SourceError) -> CgroupMemoryStat {
        try parse(directory + "/memory.stat", with: buffer, CgroupMemoryStat.parse)
    }
}
