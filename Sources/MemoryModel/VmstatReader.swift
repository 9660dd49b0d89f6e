import KernelFiles

/// The since-boot counters `vmstat` makes rates from, as the kernel printed
/// them: `/proc/stat` and `/proc/vmstat`. Kept raw so that a stored snapshot
/// recomputes the same rows (`VmstatSample`) the live view showed.
public struct VmstatCounters: Sendable, Equatable {
    public var stat: ProcStat
    public var vmstat: Vmstat

    public init(stat: ProcStat, vmstat: Vmstat) {
        self.stat = stat
        self.vmstat = vmstat
    }
}

/// Reads what `memsleuth vmstat` and the snapshot need, through one root and
/// one reused buffer: the one place that gathers this area.
public struct VmstatReader {
    public let root: ProcRoot
    public let buffer: ReadBuffer

    public init(root: ProcRoot, buffer: ReadBuffer = ReadBuffer()) {
        self.root = root
        self.buffer = buffer
    }

    /// One sample: meminfo, stat and vmstat are required (the first failure
    /// is thrown); pressure is optional and its failure is recorded.
    public func sample(_ attempt: inout SourceAttempt) throws(SourceError) -> VmstatSample {
        let meminfo = try root.meminfo(buffer: buffer)
        let counters = try counters()
        return VmstatSample(meminfo: meminfo, stat: counters.stat, vmstat: counters.vmstat,
                            pressure: pressure(&attempt))
    }

    /// `/proc/stat` then `/proc/vmstat`; both required.
    public func counters() throws(SourceError) -> VmstatCounters {
        let stat = try root.procStat(buffer: buffer)
        return VmstatCounters(stat: stat, vmstat: try root.vmstat(buffer: buffer))
    }

    /// `/proc/pressure/memory`: nil before Linux 4.20 or without PSI, and
    /// then listed as unavailable with what would enable it.
    public func pressure(_ attempt: inout SourceAttempt) -> Pressure? {
        attempt.read { () throws(SourceError) in try root.memoryPressure(buffer: buffer) }
    }
}

extension VmstatSample {
    /// The sample a snapshot's raw readings make, as the live view makes it.
    public init(meminfo: Meminfo, counters: VmstatCounters, pressure: Pressure?) {
        self.init(meminfo: meminfo, stat: counters.stat, vmstat: counters.vmstat, pressure: pressure)
    }
}
