#if canImport(Glibc)
import Glibc
#endif
import GRDB
import MemoryModel

/// The embedded history store: one SQLite database (WAL, so readers never
/// block the recorder), migrated to `HistorySchema.version` when opened.
/// Appends snapshots as raw values, only those that changed (`value`), and
/// rebuilds a `Snapshot` of any stored sample for the views to derive from.
///
/// Not thread-safe: one recorder owns one instance (readers open their own).
public final class HistoryDatabase {
    public let writer: any DatabaseWriter
    /// Interned series: key → id, and back.
    var seriesIDs: [SeriesKey: Int64] = [:]
    var seriesKeys: [Int64: SeriesKey] = [:]
    /// The value of each series' last row (nil: a NULL row, vanished);
    /// nil until the first append needs it, since readers never do.
    var lastValues: [Int64: Int64?]?
    var hostIDs: [StoredHost: Int64] = [:]

    /// Opens (creating it if needed) the store at `path` in WAL mode.
    public convenience init(path: String) throws(HistoryStoreError) {
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        let pool: DatabasePool
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
        } catch {
            throw HistoryStoreError("cannot open \(path): \(Self.openFailure(path) ?? Self.describe(error))")
        }
        try self.init(writer: pool, name: path)
    }

    /// Uses an open database (tests pass an in-memory `DatabaseQueue`).
    public init(writer: any DatabaseWriter, name: String = "the history store") throws(HistoryStoreError) {
        self.writer = writer
        do {
            let found = try writer.read { db in try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0 }
            guard found <= HistorySchema.version else {
                throw HistoryStoreError(
                    "\(name) was written by a newer memsleuth (schema \(found)); upgrade memsleuth or use another --db")
            }
            try Self.migrator.migrate(writer)
            try loadCaches()
        } catch let error as HistoryStoreError {
            throw error
        } catch {
            throw HistoryStoreError("\(name): \(Self.describe(error))")
        }
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        for migration in HistorySchema.migrations {
            let sql = migration.sql
            migrator.registerMigration(migration.identifier) { db in try db.execute(sql: sql) }
        }
        return migrator
    }

    /// The schema version the store is at.
    public func schemaVersion() throws -> Int {
        try writer.read { db in try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0 }
    }

    /// Reloads the interned names (after maintenance deleted rows, or on
    /// open) and forgets each series' last value, which the next append
    /// reloads (`storedLastValues`).
    func loadCaches() throws {
        try writer.read { db in
            seriesIDs = [:]
            seriesKeys = [:]
            for row in try Row.fetchAll(db, sql: "SELECT id, kind, name FROM series_name ORDER BY id") {
                let id: Int64 = row["id"]
                guard let kind = SeriesKind(rawValue: row["kind"]) else { continue }
                let key = SeriesKey(kind, row["name"])
                seriesIDs[key] = id
                seriesKeys[id] = key
            }
            lastValues = nil
            hostIDs = [:]
        }
    }

    /// Each series' last stored value: one index seek per series. (A
    /// `GROUP BY series_id` with max(sample_id) scanned the whole value
    /// table: 0.5 s on every open of a month-old store, readers included.)
    func storedLastValues(_ db: Database) throws -> [Int64: Int64?] {
        var values: [Int64: Int64?] = [:]
        values.reserveCapacity(seriesKeys.count)
        let last = try db.cachedStatement(sql: "SELECT value FROM value WHERE series_id = ? ORDER BY sample_id DESC LIMIT 1")
        for id in seriesKeys.keys {
            guard let row = try Row.fetchOne(last, arguments: [id]) else { continue }
            values[id] = row[0] as Int64?
        }
        return values
    }

    /// Whether a failed write may succeed later without anyone acting on
    /// the store: the disk (or the file's size limit) is full, an I/O error,
    /// another writer holds the lock. The recorder drops the sample and goes
    /// on; anything else (a read-only or corrupt file) stops it.
    public static func isTransient(_ error: any Error) -> Bool {
        guard let error = error as? DatabaseError else { return false }
        switch error.resultCode.primaryResultCode {
        case .SQLITE_FULL, .SQLITE_IOERR, .SQLITE_BUSY, .SQLITE_LOCKED: return true
        default: return false
        }
    }

    /// SQLite says only "unable to open database file": the reason, when
    /// it is that this user may not read or write the file or its directory.
    static func openFailure(_ path: String) -> String? {
        let directory = path.lastIndex(of: "/").map { String(path[..<$0]) }.flatMap { $0.isEmpty ? "/" : $0 } ?? "."
        for (file, mode) in [(path, R_OK | W_OK), (directory, W_OK | X_OK)] where access(file, F_OK) == 0 {
            if access(file, mode) != 0, errno == EACCES || errno == EROFS {
                let reason = errno == EROFS ? "read-only file system" : "permission denied"
                let whose = file == path ? "the store" : "its directory \(file)"
                return "\(reason) (\(whose) must be readable and writable by this user — WAL readers write too; "
                    + "run as its owner or root, or give another --db)"
            }
        }
        return nil
    }

    /// One line for an error from the store (SQLite's message when it has one).
    public static func message(_ error: any Error) -> String { describe(error) }

    static func describe(_ error: any Error) -> String {
        if let error = error as? DatabaseError {
            return error.message ?? "SQLite error \(error.resultCode.rawValue)"
        }
        return "\(error)"
    }
}

/// A store problem, as one line for the user.
public struct HistoryStoreError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
