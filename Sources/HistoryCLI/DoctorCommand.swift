import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif
import HistoryStore
import MemoryModel
import MemsleuthCLI

extension HistoryTool {
    /// `memsleuth doctor --db PATH`: the doctor of the lean binary, judging
    /// growth and forecasts over the recorder's samples instead of a bundle's.
    struct Doctor: MemsleuthCommand {
        static let configuration = CommandConfiguration(
            abstract: "Where the memory went and why, with growth and forecasts over the history store.")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var thresholds: ThresholdOptions
        @OptionGroup var history: DoctorHistoryOptions

        @Option(name: .long, help: ArgumentHelp(
            "Root only: trace a growing slab cache this long and add who allocates it to the finding.",
            valueName: "DURATION"))
        var trace: DurationArgument?

        func validate() throws {
            guard history.db != nil else { throw ValidationError("this doctor reads a history store: give --db PATH") }
            guard global.bundle == nil else {
                throw ValidationError("--db and --bundle cannot be used together (a bundle's samples are its history)")
            }
            if let at = history.at {
                guard TimeArgument.nanoseconds(at, now: 0) != nil else {
                    throw ValidationError("--at wants RFC 3339 or a duration ago (-2h), not \"\(at)\"")
                }
                guard global.rootOption == nil else { throw ValidationError("--at judges a stored sample: leave out --root") }
                guard trace == nil else { throw ValidationError("--trace watches the host now; --at judges a stored sample") }
            }
            if let since = history.since {
                guard TimeArgument.nanoseconds(since, now: 0) != nil else {
                    throw ValidationError("--since wants a duration (30d, 6h) or RFC 3339, not \"\(since)\"")
                }
            }
        }

        func execute(_ context: CommandContext) throws(CommandFailure) -> Int32 {
            var request = DoctorRequest(global: global.request, thresholds: thresholds.thresholds, traceSeconds: trace?.seconds)
            let source = try DoctorHistory(db: history.db ?? "", since: history.since)
            guard let at = history.at else {
                let snapshots = try source.snapshots()
                let now = WallTime.now()
                request.recorded = try source.recorded(judgedAt: now.nanosecondsSinceEpoch)
                return try request.run(context, history: snapshots)
            }
            let (stored, earlier) = try source.snapshots(at: at)
            request.recorded = try source.recorded(
                judgedAt: stored.time.nanosecondsSinceEpoch, largestCache: DoctorHistory.largestCache(stored))
            let report = try DoctorRequest.diagnose(stored: stored, history: earlier, thresholds: thresholds.thresholds)
            return request.show(report, context)
        }
    }
}

/// The store's samples a doctor judges growth over: at most `limit`,
/// spread evenly over the window (see `HistoryDatabase.samples(from:to:spreadOver:)`).
struct DoctorHistory {
    let db: String
    let since: String?
    /// Opened once: samples and attributions come from the same open store.
    let store: HistoryDatabase
    static let limit = 150

    init(db: String, since: String?) throws(CommandFailure) {
        self.db = db
        self.since = since
        store = try Self.open(db)
    }

    /// The samples up to now, for judging the live host (or --root).
    func snapshots() throws(CommandFailure) -> [Snapshot] {
        let now = WallTime.now()
        let nowNs = now.nanosecondsSinceEpoch
        return try snapshots(to: nowNs, sinceCountedFrom: nowNs)
    }

    /// The stored sample at or before `at`, and the samples before it.
    /// Relative times count back from the clock, as `history --at` does.
    func snapshots(at: String) throws(CommandFailure) -> (Snapshot, [Snapshot]) {
        let now = WallTime.now()
        do {
            guard let time = TimeArgument.nanoseconds(at, now: now.nanosecondsSinceEpoch) else {
                throw CommandFailure("bad --at \"\(at)\"", exitCode: 64)
            }
            guard let sample = try store.sample(atOrBefore: time), let snapshot = try store.snapshot(sampleID: sample.id) else {
                throw CommandFailure("no sample at or before \(at) in \(db)")
            }
            let earlier = try snapshots(to: sample.timeNanoseconds - 1, sinceCountedFrom: sample.timeNanoseconds)
            return (snapshot, earlier)
        } catch let failure as CommandFailure {
            throw failure
        } catch {
            throw CommandFailure("cannot read the history store \(db): \(error)")
        }
    }

    /// A recorded attribution older than this before the judged moment is not shown.
    static let attributionWindowNanoseconds: Int64 = 3_600_000_000_000

    /// The newest attribution of each cache `record --trace-on-growth`
    /// stored in the hour up to `judgedAt` (ns since the epoch).
    func recorded(judgedAt: Int64, largestCache: String? = nil) throws(CommandFailure) -> RecordedAttributions {
        do {
            let stored = try store.latestAttributions(from: judgedAt &- Self.attributionWindowNanoseconds, to: judgedAt)
            return RecordedAttributions(stored.map {
                RecordedAttributions.Attribution(
                    cache: $0.cache,
                    traced: WallTime(seconds: $0.tracedNanoseconds / 1_000_000_000, nanoseconds: $0.tracedNanoseconds % 1_000_000_000,
                                     monotonic: 0),
                    report: $0.report)
            }, largestCache: largestCache)
        } catch {
            throw CommandFailure("cannot read the history store \(db): \(error)")
        }
    }

    /// The largest slab cache of a stored sample (what a slab finding that
    /// names no cache is about).
    static func largestCache(_ snapshot: Snapshot) -> String? {
        guard let caches = snapshot.slab?.slabinfo.caches else { return nil }
        return SlabTable.largest(caches, pageSize: snapshot.pageSizeBytes)?.name
    }

    private static func open(_ db: String) throws(CommandFailure) -> HistoryDatabase {
        guard access(db, F_OK) == 0 else {
            throw CommandFailure("no history store at \(db) (run `memsleuth record --db \(db)` first, or leave out --db)")
        }
        do { return try HistoryDatabase(path: db) } catch { throw CommandFailure(error.message) }
    }

    /// Without --since, growth is judged over the day before the judged
    /// moment: 150 samples spread over the recorder's whole retention (14
    /// days) leave a leak that began a few hours ago two or three points.
    static let defaultWindowNanoseconds: Int64 = 24 * 3_600_000_000_000

    private func snapshots(to end: Int64, sinceCountedFrom reference: Int64) throws(CommandFailure) -> [Snapshot] {
        var from = reference &- Self.defaultWindowNanoseconds
        if let since {
            guard let start = TimeArgument.nanoseconds(since, now: reference) else {
                throw CommandFailure("bad --since \"\(since)\"", exitCode: 64)
            }
            from = start
        }
        do {
            let ids = try store.samples(from: from, to: end, spreadOver: DoctorHistory.limit).map(\.id)
            return try store.snapshots(sampleIDs: ids, series: .trends).compactMap { $0 }
        } catch {
            throw CommandFailure("cannot read the history store \(db): \(error)")
        }
    }
}
