import KernelFiles

/// One reading of everything procps `vmstat` looks at: the gauges as they
/// are now and the since-boot counters that rates are made from. Two of
/// these make a line of `vmstat DELAY`; one makes the since-boot line.
public struct VmstatSample: Sendable, Equatable {
    // procs (/proc/stat)
    public var running: UInt64?
    public var blocked: UInt64?

    // memory, bytes (/proc/meminfo), as procps-ng 4's library derives them
    /// SwapTotal − SwapFree (0 when SwapFree ≥ SwapTotal, as procps).
    public var swapUsed: UInt64?
    public var free: UInt64?
    public var buffers: UInt64?
    /// Cached + SReclaimable (procps `MEMINFO_MEM_CACHED_ALL`).
    public var cache: UInt64?
    public var active: UInt64?
    public var inactive: UInt64?
    public var total: UInt64?
    /// MemTotal − MemAvailable, procps-ng 4's `derived_mem_used`: with
    /// MemFree standing in for a MemAvailable that is absent (before 3.14),
    /// 0, or above MemTotal (an lxc container's view).
    public var used: UInt64?
    public var swapTotal: UInt64?
    public var swapFree: UInt64?

    // counters since boot (/proc/vmstat, /proc/stat)
    public var pgpginKilobytes: UInt64?
    public var pgpgoutKilobytes: UInt64?
    public var pswpinPages: UInt64?
    public var pswpoutPages: UInt64?
    public var interrupts: UInt64?
    public var contextSwitches: UInt64?
    public var cpu: ProcStat.CPUTicks?
    public var bootTime: UInt64?
    public var forks: UInt64?

    /// `/proc/pressure/memory`, nil before Linux 4.20 or without PSI.
    public var pressure: Pressure?

    public init() {}

    public init(meminfo: Meminfo, stat: ProcStat, vmstat: Vmstat, pressure: Pressure?) {
        running = stat.procsRunning
        blocked = stat.procsBlocked
        free = meminfo.memFree
        buffers = meminfo.buffers
        cache = Self.sum(meminfo.cached, meminfo.sReclaimable ?? 0)
        active = meminfo["Active"]
        inactive = meminfo["Inactive"]
        total = meminfo.memTotal
        swapTotal = meminfo.swapTotal
        swapFree = meminfo.swapFree
        if let swapTotal = meminfo.swapTotal, let swapFree = meminfo.swapFree {
            swapUsed = swapFree < swapTotal ? swapTotal - swapFree : 0
        }
        used = Self.used(meminfo)
        pgpginKilobytes = vmstat.pgpginKilobytes
        pgpgoutKilobytes = vmstat.pgpgoutKilobytes
        pswpinPages = vmstat.pswpinPages
        pswpoutPages = vmstat.pswpoutPages
        interrupts = stat.interrupts
        contextSwitches = stat.contextSwitches
        cpu = stat.cpu
        bootTime = stat.bootTime
        forks = stat.processes
        self.pressure = pressure
    }

    /// procps-ng 4 `library/meminfo.c`: available falls back to MemFree when
    /// it is missing (0) or above total; used = total − available, or total
    /// − free if that would go below zero.
    static func used(_ meminfo: Meminfo) -> UInt64? {
        guard let total = meminfo.memTotal, let free = meminfo.memFree else { return nil }
        var available = meminfo.memAvailable ?? 0
        if available == 0 || available > total { available = free }
        if available <= total { return total - available }
        return free <= total ? total - free : nil
    }

    private static func sum(_ a: UInt64?, _ b: UInt64) -> UInt64? {
        guard let a else { return nil }
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? nil : sum
    }
}
