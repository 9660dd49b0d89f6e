import Diagnosis
import MetricsExport

/// What `memsleuth serve` was asked, as plain values (the argument-parser
/// command maps its options to this; tests build it directly).
public struct ServeConfiguration: Sendable {
    public enum Source: Sendable, Equatable {
        /// A live host or a --root tree.
        case root(String)
        /// A bundle: its newest sample, or with `replay` each sample in turn
        /// at `speed` × real time, earlier samples as history.
        case bundle(path: String, replay: Bool, speed: Double)
    }

    public var host = "127.0.0.1"
    public var port = 9219
    public var source: Source = .root("/")
    /// The history store (`memsleuth record`'s): trends and the chart use it.
    public var database: String?
    public var metrics = MetricsOptions()
    public var thresholds = DoctorThresholds()
    /// Mutating routes answer 403 unless this and a token are both set.
    public var allowFix = false
    public var token: String?
    /// At most this many earlier samples feed trends and charts (Theil–Sen
    /// is quadratic in them; older samples are thinned evenly).
    public var historyLimit = 120
    /// Without a store, the server keeps its own samples for the chart and
    /// trends: one every `ringInterval` seconds, `ringCapacity` of them.
    public var ringInterval = 15.0
    public var ringCapacity = 240
    /// A live server sweeps every process (status + smaps_rollup each, for
    /// the top-N PSS and the process findings) at most this often; scrapes
    /// in between reuse the sweep. 0 sweeps on every scrape.
    public var processInterval = 60.0
    /// /sys/kernel/slab's aliases and reclaim_account flags are read again
    /// after this many seconds (or when a new cache appears); 0 reads them
    /// on every scrape. /proc/slabinfo is read on every scrape.
    public var slabAttributesInterval = 300.0
    /// /proc/pagetypeinfo (free blocks per migrate type, shown in
    /// /api/v1/snapshot's buddy section) is read at most this often: the
    /// kernel walks every pageblock under the zone lock to print it. 0 reads
    /// it on every scrape. /proc/buddyinfo is read on every scrape.
    public var pagetypeinfoInterval = 60.0
    /// The doctor (findings, verdict, forecast) and the memory cgroup walk
    /// it reads run at most this often; scrapes in between export the kept
    /// report and cgroups with fresh figures around them. 0 runs both on
    /// every scrape.
    public var doctorInterval = 30.0

    public init() {}
}
