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

        func validate() throws {
            guard history.db != nil else { throw ValidationError("this doctor reads a history store: give --db PATH") }
            guard global.bundle == nil else {
                throw ValidationError("--db and --bundle cannot be used together (a bundle's samples are its history)")
            }
            if let since = history.since {
                guard TimeArgument.nanoseconds(since, now: 0) != nil else {
                    throw ValidationError("--since wants a duration (30d, 6h) or RFC 3339, not \"\(since)\"")
                }
            }
        }

        func execute(_ context: CommandContext) throws(CommandFailure) -> Int32 {
            let request = DoctorRequest(global: global.request, thresholds: thresholds.thresholds)
            let samples = try DoctorHistory(db: history.db ?? "", since: history.since).snapshots()
            return try request.run(context, history: samples)
        }
    }
}

/// The store's samples a doctor judges growth over: at most `limit`,
/// spread evenly over the window (see `HistoryDatabase.samples(from:to:spreadOver:)`).
struct DoctorHistory {
    var db: String
    var since: String?
    static let limit = 400

    func snapshots() throws(CommandFailure) -> [Snapshot] {
        guard access(db, F_OK) == 0 else {
            throw CommandFailure("no history store at \(db) (run `memsleuth record --db \(db)` first, or leave out --db)")
        }
        let store: HistoryDatabase
        do { store = try HistoryDatabase(path: db) } catch { throw CommandFailure(error.message) }
        let now = WallTime.now()
        let nowNs = now.seconds &* 1_000_000_000 &+ now.nanoseconds
        var from = Int64.min
        if let since {
            guard let start = TimeArgument.nanoseconds(since, now: nowNs) else {
                throw CommandFailure("bad --since \"\(since)\"", exitCode: 64)
            }
            from = start
        }
        do {
            return try store.samples(from: from, to: nowNs, spreadOver: DoctorHistory.limit)
                .compactMap { try store.snapshot(sampleID: $0.id) }
        } catch {
            throw CommandFailure("cannot read the history store \(db): \(error)")
        }
    }
}
