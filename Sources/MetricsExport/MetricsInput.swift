import Diagnosis
import MemoryModel

/// What one scrape exports: the fresh snapshot, the doctor's report on it,
/// the earlier samples (oldest first; empty without a store or a replay),
/// how long each source took, and the bounds on cardinality.
public struct MetricsInput: Sendable {
    public var snapshot: Snapshot
    public var report: DoctorReport
    public var history: [Snapshot]
    public var timings: SourceTimings
    /// The whole collection (snapshot + doctor), when measured.
    public var scrapeSeconds: Double?
    public var thresholds: DoctorThresholds
    public var options: MetricsOptions
    /// Seconds since each source read less often than every scrape was
    /// read (a live server: processes, slab_attributes); empty otherwise.
    public var ages: [(source: String, seconds: Double)] = []
    /// The slab caches' growth computed earlier (`SlabGrowth.of`); nil
    /// computes it from `history` here.
    public var slabGrowth: SlabGrowth?

    public init(snapshot: Snapshot, report: DoctorReport, history: [Snapshot] = [], timings: SourceTimings = SourceTimings(),
                scrapeSeconds: Double? = nil, thresholds: DoctorThresholds = DoctorThresholds(),
                options: MetricsOptions = MetricsOptions()) {
        self.snapshot = snapshot
        self.report = report
        self.history = history
        self.timings = timings
        self.scrapeSeconds = scrapeSeconds
        self.thresholds = thresholds
        self.options = options
    }

    /// History then now: what trends are computed over.
    var samples: [Snapshot] { history + [snapshot] }
}

/// Cardinality bounds (`serve --slab-top N --process-top N`). node_exporter
/// leaves its slabinfo collector off for cardinality; memsleuth exports the
/// caches that matter instead of all of them.
public struct MetricsOptions: Sendable, Equatable {
    /// The largest caches by bytes; growing caches beyond these are added,
    /// at most `slabTop` more.
    public var slabTop: Int
    /// Processes by PSS.
    public var processTop: Int

    public init(slabTop: Int = 20, processTop: Int = 10) {
        self.slabTop = max(0, slabTop)
        self.processTop = max(0, processTop)
    }
}
