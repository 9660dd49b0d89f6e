import GRDB

/// A slab attribution recorded by `record --trace-on-growth` (table
/// `attribution`, schema v2): who allocated a growing cache, traced right
/// after the sample that showed the growth.
public struct StoredAttribution: Sendable, Equatable {
    public var id: Int64
    /// The sample whose growth started the trace.
    public var sampleID: Int64
    /// That sample's wall time, nanoseconds since the epoch.
    public var sampleTimeNanoseconds: Int64
    public var cache: String
    /// Wall time the trace ended, nanoseconds since the epoch.
    public var tracedNanoseconds: Int64
    public var durationMilliseconds: Int64
    /// nil: no process kept objects of the cache during the trace.
    public var headline: String?
    /// The trace's report as `trace slab --json` prints it.
    public var report: String
}

extension HistoryDatabase {
    /// Stores an attribution traced after sample `sampleID`; returns its id.
    @discardableResult
    public func appendAttribution(sampleID: Int64, cache: String, tracedNanoseconds: Int64, durationMilliseconds: Int64,
                                  headline: String?, report: String) throws -> Int64 {
        try writer.write { db in
            try db.execute(sql: """
                INSERT INTO attribution (sample_id, cache, traced_ns, duration_ms, headline, report) VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [sampleID, cache, tracedNanoseconds, durationMilliseconds, headline, report])
            return db.lastInsertedRowID
        }
    }

    /// The attributions of samples taken between two wall-clock times
    /// (nanoseconds, both included), oldest sample first.
    public func attributions(from: Int64 = .min, to: Int64 = .max) throws -> [StoredAttribution] {
        try writer.read { db in
            try Row.fetchAll(db, sql: """
                SELECT a.id, a.sample_id, s.time_ns, a.cache, a.traced_ns, a.duration_ms, a.headline, a.report
                FROM attribution a JOIN sample s ON s.id = a.sample_id
                WHERE s.time_ns BETWEEN ? AND ? ORDER BY s.time_ns, a.id
                """, arguments: [from, to]).map { row in
                StoredAttribution(
                    id: row["id"], sampleID: row["sample_id"], sampleTimeNanoseconds: row["time_ns"], cache: row["cache"],
                    tracedNanoseconds: row["traced_ns"], durationMilliseconds: row["duration_ms"], headline: row["headline"],
                    report: row["report"])
            }
        }
    }

    /// The newest attribution of each cache among samples taken between
    /// two times: what the doctor shows beside a finding.
    public func latestAttributions(from: Int64, to: Int64) throws -> [StoredAttribution] {
        var latest: [String: StoredAttribution] = [:]
        for attribution in try attributions(from: from, to: to) { latest[attribution.cache] = attribution }
        return latest.values.sorted { ($0.sampleTimeNanoseconds, $0.id) < ($1.sampleTimeNanoseconds, $1.id) }
    }
}
