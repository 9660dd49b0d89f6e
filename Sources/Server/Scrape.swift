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

    /// The exposition input for these results.
    func metricsInput(_ configuration: ServeConfiguration) -> MetricsInput {
        MetricsInput(snapshot: snapshot, report: report, history: history, timings: timings, scrapeSeconds: seconds,
                     thresholds: configuration.thresholds, options: configuration.metrics)
    }
}

enum Scrape {
    /// What `DiagnosisInput.gather` reads, with each source timed.
    static func collect(root: ProcRoot, time: WallTime? = nil, history: [Snapshot], thresholds: DoctorThresholds,
                        knowledgeBase: KnowledgeBase) -> ScrapeResult {
        let start = SourceTimings.monotonic()
        var timings = SourceTimings()
        var snapshot = SnapshotCollector(root: root, includeProcesses: true, includeCgroups: true).collect(timings: &timings)
        if let time { snapshot.time = time }
        var input = DiagnosisInput(snapshot: snapshot, history: history, processes: snapshot.processes, cgroups: snapshot.cgroups)
        let buffer = ReadBuffer()
        if let sweep = snapshot.processes {
            var scanner = SuspectScanner(root: root, buffer: buffer)
            input.suspects = timings.time("suspects") { scanner.scan(sweep.rows) }
        }
        let tmpfs = timings.time("tmpfs") { TmpfsMount.gather(root: root, buffer: buffer) }
        input.tmpfs = tmpfs.mounts
        input.unavailable = tmpfs.unavailable
        let report = timings.time("doctor") { Doctor.diagnose(input, knowledgeBase: knowledgeBase, thresholds: thresholds) }
        return ScrapeResult(snapshot: snapshot, report: report, history: history, timings: timings,
                            seconds: SourceTimings.monotonic() - start)
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
