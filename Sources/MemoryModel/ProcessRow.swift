/// One process as `memsleuth ps` shows it: top's VIRT/RES/SHR, smem's
/// PSS/USS/Swap, and who it is. A figure that could not be read is nil.
public struct ProcessRow: Sendable, Equatable {
    public var pid: Int32
    /// The user name of the effective uid (as top's USER), or the number
    /// when the root's etc/passwd does not name it.
    public var user: String
    public var uid: UInt32?
    /// top's COMMAND: the kernel's `comm` (status `Name:`).
    public var command: String
    /// The whole command line, arguments joined by spaces (empty if the
    /// process cleared it).
    public var cmdline: String
    /// VmSize (top's VIRT, ps's VSZ).
    public var virt: UInt64?
    /// VmRSS (top's RES, ps's RSS).
    public var res: UInt64?
    /// Resident file-backed plus shmem pages (top's SHR, statm `shared`).
    public var shr: UInt64?
    public var pss: UInt64?
    /// Private_Clean + Private_Dirty (smem's USS).
    public var uss: UInt64?
    /// smaps' Swap summed (smem's Swap); VmSwap when smaps_rollup is unreadable.
    public var swap: UInt64?
    /// stat's starttime: with the pid, the process's identity.
    public var startTimeTicks: UInt64?
    /// The cgroup that accounts its memory, when asked for.
    public var cgroup: String?

    public init(pid: Int32, user: String, uid: UInt32? = nil, command: String, cmdline: String = "",
                virt: UInt64? = nil, res: UInt64? = nil, shr: UInt64? = nil, pss: UInt64? = nil,
                uss: UInt64? = nil, swap: UInt64? = nil, startTimeTicks: UInt64? = nil, cgroup: String? = nil) {
        self.pid = pid
        self.user = user
        self.uid = uid
        self.command = command
        self.cmdline = cmdline
        self.virt = virt
        self.res = res
        self.shr = shr
        self.pss = pss
        self.uss = uss
        self.swap = swap
        self.startTimeTicks = startTimeTicks
        self.cgroup = cgroup
    }
}

/// Sums of the size columns over a set of processes. A column sums the
/// processes that have it; nil when none has.
public struct ProcessTotals: Sendable, Equatable {
    public var processes: Int = 0
    public var virt: UInt64?
    public var res: UInt64?
    public var shr: UInt64?
    public var pss: UInt64?
    public var uss: UInt64?
    public var swap: UInt64?

    public init() {}

    public init(_ rows: some Sequence<ProcessRow>) {
        for row in rows { add(row) }
    }

    public mutating func add(_ row: ProcessRow) {
        processes += 1
        Self.add(row.virt, to: &virt)
        Self.add(row.res, to: &res)
        Self.add(row.shr, to: &shr)
        Self.add(row.pss, to: &pss)
        Self.add(row.uss, to: &uss)
        Self.add(row.swap, to: &swap)
    }

    private static func add(_ value: UInt64?, to sum: inout UInt64?) {
        guard let value else { return }
        // Saturate rather than trap: a sum over every process of sizes that
        // each fit in 64 bits cannot sensibly overflow, but a hostile capture could.
        let (total, overflow) = (sum ?? 0).addingReportingOverflow(value)
        sum = overflow ? .max : total
    }
}
