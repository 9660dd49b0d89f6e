import Diagnosis
import KernelFiles
import MemoryModel
import MetricsExport

/// One collection: a fresh snapshot (each source timed), the doctor's
/// report on it with the given history, and how long it all took.
public struct ScrapeResult: Sendable {
    public var snapshot: Snapshot
    public var report: DoctorReport
    /// Earlier samples, oldest first (bounded).
    public var history: [Snapshot]
    public var timings: SourceTimings
    public var seconds: Double
    /// The process sweep and the suspects found in it, as read (kept for
    /// the next scrapes within `--process-interval`).
    var processes: KeptProcesses?
    /// /proc/pagetypeinfo as read, and when (kept within --pagetypeinfo-interval).
    var pagetypeinfo: (reading: Pagetypeinfo, time: Double)?
    /// The doctor's report and the cgroup walk, and when they were made
    /// (kept within --doctor-interval).
    var analysis: KeptAnalysis?
    /// Seconds since a source read less often than every scrape was read:
    /// processes, slab_attributes.
    var ages: [(source: String, seconds: Double)] = []

    /// The exposition input for these results.
    func metricsInput(_ configuration: ServeConfiguration) -> MetricsInput {
        var input = MetricsInput(snapshot: snapshot, report: report, history: history, timings: timings, scrapeSeconds: seconds,
                                 thresholds: configuration.thresholds, options: configuration.metrics)
        input.ages = ages
        input.slabGrowth = analysis?.slabGrowth
        return input
    }
}

/// A process sweep and the suspects scanned from it, with when it was read
/// (CLOCK_MONOTONIC): the costliest part of a collection on a busy host,
/// so a live server sweeps at most every `--process-interval` seconds.
struct KeptProcesses: Sendable {
    var sweep: ProcessSweep
    var suspects: [ProcessEvidence]
    var time: Double
}

/// The doctor's report and the memory cgroup walk it read, with when they
/// were made (CLOCK_MONOTONIC): a live server runs both at most every
/// `--doctor-interval` seconds; the figures around them are read every scrape.
struct KeptAnalysis: Sendable {
    var report: DoctorReport
    var cgroups: CgroupTree?
    /// The slab caches' slopes over the history (Theil–Sen per cache: the
    /// exposition's costliest part once the history is full).
    var slabGrowth: SlabGrowth
    var time: Double
}

enum Scrape {
    /// What `DiagnosisInput.gather` reads, with each source timed. With
    /// `keptProcesses` the sweep (and the suspects scan) is not read again;
    /// with `slabAttributes` /sys/kernel/slab is read only when stale; with
    /// `keptAnalysis` neither the cgroups are walked nor the doctor run.
    static func collect(root: ProcRoot, time: WallTime? = nil, history: [Snapshot], thresholds: DoctorThresholds,
                        knowledgeBase: KnowledgeBase, keptProcesses: KeptProcesses? = nil,
                        slabAttributes: SlabAttributeCache? = nil,
                        keptPagetypeinfo: (reading: Pagetypeinfo, time: Double)? = nil,
                        keptAnalysis: KeptAnalysis? = nil) -> ScrapeResult {
        let start = SourceTimings.monotonic()
        var timings = SourceTimings()
        var collector = SnapshotCollector(root: root, includeProcesses: keptProcesses == nil, includeCgroups: keptAnalysis == nil,
                                          slabAttributes: slabAttributes)
        collector.keptPagetypeinfo = keptPagetypeinfo?.reading
        var snapshot = collector.collect(timings: &timings)
        if let time { snapshot.time = time }
        if let keptAnalysis { snapshot.cgroups = keptAnalysis.cgroups }
        if let keptProcesses {
            snapshot.processes = keptProcesses.sweep
            snapshot.unavailable += keptProcesses.sweep.unavailable
        }
        var input = DiagnosisInput(snapshot: snapshot, history: history, processes: snapshot.processes, cgroups: snapshot.cgroups)
        let buffer = ReadBuffer()
        var kept = keptProcesses
        if let keptProcesses {
            input.suspects = keptProcesses.suspects
        } else if let sweep = snapshot.processes {
            var scanner = SuspectScanner(root: root, buffer: buffer)
            input.suspects = timings.time("suspects") { scanner.scan(sweep.rows) }
            kept = KeptProcesses(sweep: sweep, suspects: input.suspects, time: start)
        }
        let report: DoctorReport
        let analysis: KeptAnalysis
        if let keptAnalysis {
            (report, analysis) = (keptAnalysis.report, keptAnalysis)
        } else {
            let tmpfs = timings.time("tmpfs") { TmpfsMount.gather(root: root, buffer: buffer) }
            input.tmpfs = tmpfs.mounts
            input.unavailable = tmpfs.unavailable
            report = timings.time("doctor") { Doctor.diagnose(input, knowledgeBase: knowledgeBase, thresholds: thresholds) }
            let slabGrowth = SlabGrowth.of(history: history, snapshot: snapshot)
            analysis = KeptAnalysis(report: report, cgroups: snapshot.cgroups, slabGrowth: slabGrowth, time: start)
        }
        let end = SourceTimings.monotonic()
        var ages: [(source: String, seconds: Double)] = []
        if let kept { ages.append(("processes", max(0, end - kept.time))) }
        ages.append(("doctor", max(0, end - analysis.time)))
        if analysis.cgroups != nil { ages.append(("cgroups", max(0, end - analysis.time))) }
        if let age = slabAttributes?.age(now: end) { ages.append(("slab_attributes", age)) }
        let pagetypeinfo = keptPagetypeinfo ?? snapshot.buddy?.pagetypeinfo.map { ($0, start) }
        if let pagetypeinfo { ages.append(("pagetypeinfo", max(0, end - pagetypeinfo.time))) }
        return ScrapeResult(snapshot: snapshot, report: report, history: history, timings: timings,
                            seconds: end - start, processes: kept, pagetypeinfo: pagetypeinfo, analysis: analysis, ages: ages)
    }

    /// At most `limit` samples, oldest first, thinned evenly (the newest kept).
    static func thinned(_ samples: [Snapshot], limit: Int) -> [Snapshot] {
        guard samples.count > limit, limit > 1 else { return limit <= 0 ? [] : samples }
        let step = Double(samples.count - 1) / Double(limit - 1)
        return (0..<limit).map { samples[Int((Double($0) * step).rounded())] }
    }

    /// A snapshot as kept in memory for history: without the per-process
    /// and cgroup detail (large, and no trend reads it from history).
    static func stripped(_ snapshot: Snapshot) -> Snapshot {
        var copy = snapshot
        copy.processes = nil
        copy.cgroups = nil
        copy.filesRead = []
        return copy
    }
}
