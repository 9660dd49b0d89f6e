import Diagnosis
import HistoryStore
import KernelFiles
import Logging
import MemoryModel

/// Where each scrape's data comes from, and the history that goes with it:
/// a live root (with the server's own ring of recent samples, or the
/// store), or a bundle (its newest sample, or replayed sample by sample).
///
/// Concurrent scrapes share one collection in flight rather than reading
/// /proc once each: under load the cost stays one collection at a time.
public actor ScrapeSource {
    enum Mode {
        case live(ProcRoot)
        case bundle(BundleReplay)
    }

    let configuration: ServeConfiguration
    let mode: Mode
    let store: StoreHistory?
    let knowledgeBase: KnowledgeBase
    let logger: Logger
    /// The server's own samples (stripped), oldest first, when there is no store.
    private var ring: [Snapshot] = []
    private var inFlight: Task<ScrapeResult, Never>?
    private var latest: ScrapeResult?
    /// Bundle mode: the result for a sample index is the same every time.
    private var bundleCache: (index: Int, result: ScrapeResult)?
    /// Live mode: the last process sweep, reused within --process-interval.
    private var keptProcesses: KeptProcesses?
    /// Live mode: the last /proc/pagetypeinfo, reused within --pagetypeinfo-interval.
    private var keptPagetypeinfo: (reading: Pagetypeinfo, time: Double)?
    /// Live mode: the last doctor report and cgroup walk, reused within --doctor-interval.
    private var keptAnalysis: KeptAnalysis?
    /// Live mode: /sys/kernel/slab facts, read every --slab-attributes-interval.
    private let slabAttributes: SlabAttributeCache?

    init(configuration: ServeConfiguration, mode: Mode, store: StoreHistory?, knowledgeBase: KnowledgeBase, logger: Logger) {
        self.configuration = configuration
        self.mode = mode
        self.store = store
        self.knowledgeBase = knowledgeBase
        self.logger = logger
        self.slabAttributes = configuration.slabAttributesInterval > 0
            ? SlabAttributeCache(interval: configuration.slabAttributesInterval) : nil
    }

    /// A fresh collection (or the one in flight).
    public func scrape() async -> ScrapeResult {
        if let inFlight { return await inFlight.value }
        let task: Task<ScrapeResult, Never>
        switch mode {
        case .live(let root):
            let history = Scrape.thinned(store?.recent(limit: configuration.historyLimit, logger: logger) ?? ring,
                                         limit: configuration.historyLimit)
            let (thresholds, knowledgeBase, slabAttributes) = (configuration.thresholds, knowledgeBase, slabAttributes)
            let kept = keptProcesses.flatMap { kept in
                SourceTimings.monotonic() - kept.time < configuration.processInterval ? kept : nil
            }
            let pagetypeinfo = keptPagetypeinfo.flatMap { kept in
                SourceTimings.monotonic() - kept.time < configuration.pagetypeinfoInterval ? kept : nil
            }
            let analysis = keptAnalysis.flatMap { kept in
                SourceTimings.monotonic() - kept.time < configuration.doctorInterval ? kept : nil
            }
            task = Task.detached {
                Scrape.collect(root: root, history: history, thresholds: thresholds, knowledgeBase: knowledgeBase,
                               keptProcesses: kept, slabAttributes: slabAttributes, keptPagetypeinfo: pagetypeinfo,
                               keptAnalysis: analysis)
            }
        case .bundle(let replay):
            let index = replay.index(now: SourceTimings.monotonic())
            if let bundleCache, bundleCache.index == index { return bundleCache.result }
            let sample = replay.reader.samples[index]
            let history = Scrape.thinned(Array(replay.snapshots[..<index]), limit: configuration.historyLimit)
            let (thresholds, knowledgeBase) = (configuration.thresholds, knowledgeBase)
            let manifestHost = replay.reader.manifest?.host
            task = Task.detached {
                var result = Scrape.collect(root: sample.root, time: sample.time, history: history, thresholds: thresholds,
                                            knowledgeBase: knowledgeBase)
                result.ages = []
                // A capture keeps no /proc/sys/kernel/hostname; the manifest names the host.
                if result.snapshot.host.hostname == nil { result.snapshot.host.hostname = manifestHost }
                return result
            }
            inFlight = task
            let result = await task.value
            inFlight = nil
            bundleCache = (index, result)
            latest = result
            return result
        }
        inFlight = task
        let result = await task.value
        inFlight = nil
        keep(result)
        return result
    }

    /// The newest result, collecting one if there is none yet.
    public func current() async -> ScrapeResult {
        if let latest { return latest }
        return await scrape()
    }

    /// Samples for charts and series: history then now, oldest first.
    public func timeline() async -> [Snapshot] {
        let result = await scrape()
        return result.history + [result.snapshot]
    }

    private func keep(_ result: ScrapeResult) {
        latest = result
        keptProcesses = result.processes
        keptPagetypeinfo = result.pagetypeinfo
        keptAnalysis = result.analysis
        guard store == nil else { return }
        if let last = ring.last, result.snapshot.time.epochSeconds - last.time.epochSeconds < configuration.ringInterval {
            return
        }
        ring.append(Scrape.stripped(result.snapshot))
        if ring.count > configuration.ringCapacity { ring.removeFirst(ring.count - configuration.ringCapacity) }
    }
}

/// A bundle's samples and, when replaying, which one is "now": the replay
/// starts at the first sample and advances `speed` × real time, then stays
/// on the last.
struct BundleReplay: Sendable {
    let reader: BundleReader
    /// Every sample as a snapshot (stripped), oldest first: the history.
    let snapshots: [Snapshot]
    let replay: Bool
    let speed: Double
    let start: Double

    init(reader: BundleReader, replay: Bool, speed: Double) {
        self.reader = reader
        self.snapshots = reader.snapshots(includeProcesses: false, includeCgroups: false)
        self.replay = replay
        self.speed = speed
        self.start = SourceTimings.monotonic()
    }

    func index(now: Double) -> Int {
        let last = reader.samples.count - 1
        guard replay, last > 0, let first = reader.samples[0].time else { return last }
        let virtual = first.epochSeconds + (now - start) * speed
        return reader.samples.lastIndex { ($0.time?.epochSeconds ?? .infinity) <= virtual } ?? 0
    }
}

/// The store's recent samples, decoded once each (GRDB's queue is
/// thread-safe; the cache is only touched from the ScrapeSource actor).
final class StoreHistory: @unchecked Sendable {
    let database: HistoryDatabase
    /// How far back trends look.
    let windowSeconds: Double
    private var cache: [Int64: Snapshot] = [:]

    init(database: HistoryDatabase, windowSeconds: Double = 6 * 3600) {
        self.database = database
        self.windowSeconds = windowSeconds
    }

    func recent(limit: Int, logger: Logger) -> [Snapshot] {
        let now = WallTime.now()
        let nowNanoseconds = now.nanosecondsSinceEpoch
        do {
            let samples = try database.samples(from: nowNanoseconds &- Int64(windowSeconds * 1e9), to: nowNanoseconds)
            var kept: [Int64: Snapshot] = [:]
            var snapshots: [Snapshot] = []
            let chosen = samples.count > limit
                ? (0..<limit).map { samples[Int((Double($0) * Double(samples.count - 1) / Double(max(limit - 1, 1))).rounded())] }
                : samples
            for sample in chosen {
                let snapshot: Snapshot?
                if let cached = cache[sample.id] { snapshot = cached } else { snapshot = try database.snapshot(sampleID: sample.id).map(Scrape.stripped) }
                if let snapshot {
                    kept[sample.id] = snapshot
                    snapshots.append(snapshot)
                }
            }
            cache = kept
            return snapshots
        } catch {
            logger.warning("cannot read the history store", metadata: ["error": "\(error)"])
            return []
        }
    }
}
