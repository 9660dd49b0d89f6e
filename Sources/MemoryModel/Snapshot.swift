import KernelFiles

/// Everything the host allowed memsleuth to read at one moment, as the
/// kernel printed it, with the facts needed to interpret it and what could
/// not be read. Raw on purpose ("raw in the store, derived on read"): the
/// figures people see (`free`, slabtop's table, the buddy and NUMA tables,
/// vmstat's row) are computed from it by the accessors below, the same way
/// live and when a stored snapshot is replayed.
public struct Snapshot: Sendable, Equatable {
    /// When collection began (RFC 3339 via `WallTime.rfc3339`).
    public var time: WallTime
    public var host: HostFacts
    /// nil when nothing under the root tells (see `HostPageSize.of`).
    public var pageSize: HostPageSize?
    /// USER_HZ, the unit of /proc/stat's CPU ticks (sysconf(_SC_CLK_TCK) of
    /// the collecting host; 100 on every Linux ABI in use).
    public var clockTicksPerSecond: UInt64

    public var meminfo: Meminfo?
    /// /proc/stat and /proc/vmstat.
    public var vmstat: VmstatCounters?
    /// /proc/pressure/memory (Linux 4.20+ with PSI).
    public var pressure: Pressure?
    /// /proc/slabinfo with the /sys/kernel/slab facts.
    public var slab: SlabSample?
    /// /proc/sys/fs caches and vm sysctls; each part may be nil.
    public var dcache: DcacheReport
    /// /proc/buddyinfo with zoneinfo and pagetypeinfo.
    public var buddy: BuddyReading?
    public var numa: NumaReading
    /// Every process's memory, as `memsleuth ps` reads it; nil when the
    /// collector was asked not to sweep or /proc could not be listed.
    public var processes: ProcessSweep?
    /// The memory cgroups (v2, v1 or both); nil when not asked for.
    public var cgroups: CgroupTree?

    /// Every source that could not be read, once each, with reason and remedy.
    public var unavailable: [Unavailable]
    /// The files opened, relative to the root, in order.
    public var filesRead: [String]

    public init(
        time: WallTime, host: HostFacts, pageSize: HostPageSize?, clockTicksPerSecond: UInt64,
        meminfo: Meminfo?, vmstat: VmstatCounters?, pressure: Pressure?, slab: SlabSample?,
        dcache: DcacheReport, buddy: BuddyReading?, numa: NumaReading,
        processes: ProcessSweep? = nil, cgroups: CgroupTree? = nil,
        unavailable: [Unavailable], filesRead: [String]
    ) {
        self.processes = processes
        self.cgroups = cgroups
        self.time = time
        self.host = host
        self.pageSize = pageSize
        self.clockTicksPerSecond = clockTicksPerSecond
        self.meminfo = meminfo
        self.vmstat = vmstat
        self.pressure = pressure
        self.slab = slab
        self.dcache = dcache
        self.buddy = buddy
        self.numa = numa
        self.unavailable = unavailable
        self.filesRead = filesRead
    }

    /// False when not one memory source could be read: the only failure
    /// of a snapshot (host name and release alone say nothing about memory).
    public var hasMemoryData: Bool {
        meminfo != nil || vmstat != nil || pressure != nil || slab != nil || !dcache.hasNoCaches
            || buddy != nil || !numa.nodes.isEmpty
    }
}

// Derived on read: the same figures the commands show.
extension Snapshot {
    /// For figures that need a number (CACHE SIZE, si/so) when `pageSize` is unknown.
    public var pageSizeBytes: UInt64 { HostPageSize.bytesOrAssumed(pageSize) }

    public var free: FreeSummary? { meminfo.map(FreeSummary.init) }

    public var vmstatSample: VmstatSample? {
        guard let meminfo, let vmstat else { return nil }
        return VmstatSample(meminfo: meminfo, counters: vmstat, pressure: pressure)
    }

    /// The since-boot row `memsleuth vmstat` prints first, in `unit`.
    public func vmstatRow(unit: VmstatUnit) -> VmstatRow? {
        vmstatSample.map { VmstatRow.sinceBoot($0, hz: clockTicksPerSecond, pageSize: pageSizeBytes, unit: unit) }
    }

    /// `previous` (an earlier snapshot) gives the growth column.
    public func slabTable(sort: SlabTable.SortKey = .objs, previous: Snapshot? = nil) -> SlabTable? {
        slab?.table(sort: sort, previous: previous?.slab, pageSize: pageSizeBytes)
    }

    public var buddyTable: BuddyTable? { buddy?.table(pageSize: pageSize) }

    /// nil when there are no nodes and no /proc/meminfo to stand in.
    public var numaTable: NumaTable? { numa.table(procMeminfo: meminfo, pageSize: pageSize) }

    /// The processes holding the most memory (RSS: readable for every
    /// process without root, unlike PSS), with totals over all of them.
    public func processTable(top: Int) -> ProcessTable? {
        processes.map { ProcessTable(sweep: $0, sort: .rss, top: top, grouping: .process) }
    }
}
