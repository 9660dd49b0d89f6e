#if canImport(Glibc)
import Glibc
#endif
import KernelFiles

/// Gathers a `Snapshot` through one root and one reused buffer, using the
/// same readers as the views (`VmstatReader`, `SlabSampler`,
/// `DcacheReport.read`, `BuddyReading.read`, `NumaReading.read`), so each
/// area is gathered in one place. Nothing here throws: a source that fails
/// is listed in `unavailable` and the rest is still read.
public struct SnapshotCollector {
    public let root: ProcRoot
    /// Sweep every process (status + smaps_rollup each: the costliest part
    /// of a snapshot on a busy host).
    public var includeProcesses: Bool
    /// Walk the memory cgroups.
    public var includeCgroups: Bool
    /// Keeps /sys/kernel/slab's facts between collections (`serve`); nil
    /// reads them on every collection.
    public var slabAttributes: SlabAttributeCache?
    /// An earlier /proc/pagetypeinfo to use instead of reading it (`serve`).
    public var keptPagetypeinfo: Pagetypeinfo?

    public init(root: ProcRoot, includeProcesses: Bool = true, includeCgroups: Bool = true,
                slabAttributes: SlabAttributeCache? = nil) {
        self.root = root
        self.includeProcesses = includeProcesses
        self.includeCgroups = includeCgroups
        self.slabAttributes = slabAttributes
    }

    public func collect() -> Snapshot {
        var timings = SourceTimings()
        return collect(timings: &timings)
    }

    /// `collect()`, also timing each area (`serve` exports the durations).
    public func collect(timings: inout SourceTimings) -> Snapshot {
        let time = WallTime.now()
        let log = ReadLog(for: root)
        let root = self.root.logging(into: log)
        let buffer = ReadBuffer()
        var attempt = SourceAttempt(root: root)

        let host = root.hostFacts(buffer: buffer)
        let meminfo = timings.time("meminfo") { attempt.read { () throws(SourceError) in try root.meminfo(buffer: buffer) } }
        let vmstatReader = VmstatReader(root: root, buffer: buffer)
        let counters = timings.time("vmstat") { attempt.read { () throws(SourceError) in try vmstatReader.counters() } }
        let pressure = timings.time("pressure") { vmstatReader.pressure(&attempt) }
        // JSON carries the sysfs facts (reclaimable, aliases), so read them.
        let slab = timings.time("slabinfo") {
            attempt.read { () throws(SourceError) in try SlabSampler(root: root, buffer: buffer, includeSysfs: true, attributeCache: slabAttributes).sample() }
        }
        if let slab { attempt.record(contentsOf: slab.unavailable) }
        let dcache = timings.time("dcache") { DcacheReport.read(root, buffer: buffer) }
        attempt.record(contentsOf: dcache.unavailable)
        let buddy = timings.time("buddyinfo") {
            attempt.read { () throws(SourceError) in try BuddyReading.read(root, buffer: buffer, keptPagetypeinfo: keptPagetypeinfo) }
        }
        if let buddy { attempt.record(contentsOf: buddy.unavailable) }
        let numa = timings.time("numa") { NumaReading.read(root, buffer: buffer) }
        attempt.record(contentsOf: numa.unavailable)
        // Last, so that a tree without a manifest derives it from what was read.
        let pageSize = HostPageSize.of(root, buffer: buffer, zoneinfo: buddy?.zoneinfo, meminfo: meminfo)
        var processes: ProcessSweep?
        if includeProcesses {
            let sweeper = ProcessSweeper(root: root, pageSize: HostPageSize.bytesOrAssumed(pageSize), buffer: buffer)
            sweeper.readsCgroup = includeCgroups
            let start = SourceTimings.monotonic()
            defer { timings.record("processes", since: start) }
            do {
                let sweep = try sweeper.sweep()
                attempt.record(contentsOf: sweep.unavailable)
                processes = sweep
            } catch {
                attempt.record(.read(error))
            }
        }
        var cgroups: CgroupTree?
        if includeCgroups {
            let tree = timings.time("cgroups") { CgroupTree.read(root: root, buffer: buffer) }
            attempt.record(contentsOf: tree.unavailable)
            cgroups = tree
        }

        return Snapshot(
            time: time, host: host, pageSize: pageSize,
            clockTicksPerSecond: UInt64(max(sysconf(Int32(_SC_CLK_TCK)), 1)),
            meminfo: meminfo, vmstat: counters, pressure: pressure, slab: slab, dcache: dcache,
            buddy: buddy, numa: numa, processes: processes, cgroups: cgroups,
            unavailable: attempt.unavailable, filesRead: log.files)
    }
}
