#if canImport(Glibc)
import Glibc
#endif
import MemsleuthCLI
import HistoryStore
import MemoryModel

/// Where `history` and `diff` look back: the store (`--db`, default the
/// recorder's path) or the samples of a bundle (`--bundle`).
enum HistorySource {
    case store(HistoryDatabase)
    /// A bundle's samples as snapshots, oldest first.
    case bundle([Snapshot])

    static func open(db: String?, global: GlobalRequest, environment: CommandEnvironment) throws(CommandFailure) -> HistorySource {
        if let reader = try global.bundleReader(environment) {
            return .bundle(reader.snapshots())
        }
        let path: String
        if let db { path = db } else { path = try RecordRequest.defaultPath() }
        // Opening would create an empty store: a missing one is the user's to fix.
        guard access(path, F_OK) == 0 else {
            throw CommandFailure("no history store at \(path) (run `memsleuth record`, or give --db PATH or --bundle FILE)")
        }
        do { return .store(try HistoryDatabase(path: path)) } catch { throw CommandFailure(error.message) }
    }

    /// What relative times (`-2h`, `--since 6h`) count back from: a
    /// bundle's newest sample (it was captured then, maybe days ago), the
    /// clock for the store.
    func now() -> Int64 {
        if case .bundle(let snapshots) = self, let newest = snapshots.last { return newest.time.nanosecondsSinceEpoch }
        return WallTime.now().nanosecondsSinceEpoch
    }

    /// Every sample between two times (ns since the epoch), oldest first.
    func snapshots(from: Int64, to: Int64) throws(CommandFailure) -> [Snapshot] {
        switch self {
        case .bundle(let snapshots):
            return snapshots.filter { $0.time.nanosecondsSinceEpoch >= from && $0.time.nanosecondsSinceEpoch <= to }
        case .store(let store):
            do {
                return try store.snapshots(sampleIDs: store.samples(from: from, to: to).map(\.id)).compactMap { $0 }
            } catch {
                throw CommandFailure("cannot read the history store: \(error)")
            }
        }
    }

    /// The last sample at or before `time`; nil when there is none that early.
    func snapshot(at time: Int64) throws(CommandFailure) -> Snapshot? {
        switch self {
        case .bundle(let snapshots):
            return snapshots.last { $0.time.nanosecondsSinceEpoch <= time }
        case .store(let store):
            do { return try store.snapshot(at: time) } catch { throw CommandFailure("cannot read the history store: \(error)") }
        }
    }

}
