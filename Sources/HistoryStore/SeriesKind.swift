/// What a `series_name` row's `name` names: frozen integer codes, stored in
/// the `kind` column. A code is never reused or renumbered; a new source
/// gets a new code.
public enum SeriesKind: Int64, Sendable, CaseIterable {
    /// /proc/meminfo, a `kB` line (stored in bytes) / a plain count line.
    case meminfoBytes = 1
    case meminfoCount = 2
    /// /proc/vmstat by counter name.
    case vmstat = 3
    /// /proc/stat: `cpu.user` … `cpu.guest_nice`, `intr`, `ctxt`, `btime`,
    /// `processes`, `procs_running`, `procs_blocked`.
    case stat = 4
    /// /proc/pressure/memory: `some.avg10` … (hundredths of a percent),
    /// `some.total` (µs); `full.*` likewise.
    case pressure = 5
    /// /proc/sys/fs/dentry-state, inode-state, file-nr and the vm/fs sysctls,
    /// by their kernel names.
    case dentry = 6
    case inode = 7
    case fileNr = 8
    case sysctl = 9
    /// /proc/slabinfo, one kind per column, named by cache.
    case slabActiveObjs = 10
    case slabNumObjs = 11
    case slabObjSize = 12
    case slabObjPerSlab = 13
    case slabPagesPerSlab = 14
    case slabActiveSlabs = 15
    case slabNumSlabs = 16
    case slabLimit = 17
    case slabBatchcount = 18
    case slabSharedfactor = 19
    case slabSharedAvail = 20
    /// /sys/kernel/slab/CACHE/reclaim_account (0/1), by slabinfo cache name.
    case slabReclaimable = 21
    /// A /sys/kernel/slab directory (value 1 while present).
    case slabDirectory = 22
    /// A /sys/kernel/slab symbolic link; the value is the `series_name` id
    /// of the `slabDirectory` it points at.
    case slabLink = 23
    /// The process sweep's counts: `unreadable`, `vanished`, `without_memory`.
    case processSweep = 30
    /// Memory cgroups, one kind per figure, named by path.
    case cgroupVersion = 40
    case cgroupCurrent = 41
    /// The limit in bytes; -1 for "max" (unlimited).
    case cgroupLimit = 42
    case cgroupAnon = 43
    case cgroupFile = 44
    case cgroupKernel = 45
    case cgroupSlabReclaimable = 46
    case cgroupSlabUnreclaimable = 47
    case cgroupSlab = 48
    case cgroupSock = 49
    case cgroupShmem = 50
    case cgroupSwap = 51
    case cgroupOomKill = 52
    case cgroupDyingDescendants = 53
    /// The tree's facts: `hierarchy` (1 = v1, 2 = v2, 3 = hybrid),
    /// `total_count`, `dying`.
    case cgroupTree = 54
    /// A text fact present at a sample (value 1): the name is the text.
    /// `unavailable` entries are `AREA\u{1f}source\u{1f}reason\u{1f}remedy`.
    case unavailable = 60
    /// dentry-state's note on nr_negative (older kernels, unknown release).
    case dentryNote = 61

    /// Counters only grow (until a reboot or wrap): downsampling keeps the
    /// last value and no min/max/mean; gauges get a rollup.
    public var isCounter: Bool {
        switch self {
        case .vmstat, .stat, .cgroupOomKill: return true
        case .pressure: return false
        default: return false
        }
    }

    /// Values that are facts, not figures: no rollup either.
    public var isFact: Bool {
        switch self {
        case .slabObjSize, .slabObjPerSlab, .slabPagesPerSlab, .slabLimit, .slabBatchcount,
             .slabSharedfactor, .slabReclaimable, .slabDirectory, .slabLink, .cgroupVersion, .cgroupLimit,
             .cgroupTree, .unavailable, .dentryNote:
            return true
        default:
            return false
        }
    }
}

/// One series: its kind and name.
public struct SeriesKey: Hashable, Sendable {
    public var kind: SeriesKind
    public var name: String

    public init(_ kind: SeriesKind, _ name: String) {
        self.kind = kind
        self.name = name
    }
}
