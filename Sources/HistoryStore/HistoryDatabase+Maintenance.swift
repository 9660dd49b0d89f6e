import GRDB

/// How old data thins out: each tier merges the samples older than `age`
/// into one per `bucket` (the last sample of the bucket stays, with the
/// gauges' min/max/mean over the bucket in `rollup`; counters keep their
/// last value, which is all a rate needs).
public struct DownsamplePolicy: Sendable, Equatable {
    public struct Tier: Sendable, Equatable {
        public var ageNanoseconds: Int64
        public var bucketNanoseconds: Int64
        public init(ageNanoseconds: Int64, bucketNanoseconds: Int64) {
            self.ageNanoseconds = ageNanoseconds
            self.bucketNanoseconds = bucketNanoseconds
        }
    }

    public var tiers: [Tier]
    public init(tiers: [Tier]) { self.tiers = tiers }

    static let second: Int64 = 1_000_000_000
    /// Raw for 24 h, per minute to 7 days, per hour beyond.
    public static let standard = DownsamplePolicy(tiers: [
        Tier(ageNanoseconds: 86_400 * second, bucketNanoseconds: 60 * second),
        Tier(ageNanoseconds: 7 * 86_400 * second, bucketNanoseconds: 3_600 * second),
    ])
}

extension HistoryDatabase {
    /// Applies every tier of `policy` as of `now` (ns since the epoch), in
    /// one transaction. Returns how many samples were merged away.
    @discardableResult
    public func downsample(now: Int64, policy: DownsamplePolicy = .standard) throws -> Int {
        let removed = try writer.write { db in
            var removed = 0
            for tier in policy.tiers {
                removed += try downsample(db, before: now &- tier.ageNanoseconds, bucket: tier.bucketNanoseconds)
            }
            return removed
        }
        if removed > 0 { try loadCaches() }
        return removed
    }

    /// Deletes every sample older than `cutoff` (ns since the epoch), in one
    /// transaction, first copying each series' value at the cutoff onto the
    /// oldest sample kept (values are stored only when they change).
    @discardableResult
    public func prune(before cutoff: Int64) throws -> Int {
        let removed = try writer.write { db -> Int in
            guard let firstKept = try Int64.fetchOne(
                db, sql: "SELECT min(id) FROM sample WHERE time_ns >= ?", arguments: [cutoff]) else {
                // Nothing recent: everything goes.
                let count = try Int.fetchOne(db, sql: "SELECT count(*) FROM sample") ?? 0
                for table in ["value", "rollup", "process_sample", "process", "attribution", "sample"] {
                    try db.execute(sql: "DELETE FROM \(table)")
                }
                return count
            }
            let count = try Int.fetchOne(db, sql: "SELECT count(*) FROM sample WHERE id < ?", arguments: [firstKept]) ?? 0
            guard count > 0 else { return 0 }
            let ids = try Int64.fetchAll(db, sql: "SELECT id FROM series_name")
            let carried = try db.cachedStatement(sql: """
                SELECT value FROM value WHERE series_id = ? AND sample_id < ? ORDER BY sample_id DESC LIMIT 1
                """)
            let rebase = try db.cachedStatement(sql: "INSERT OR IGNORE INTO value (series_id, sample_id, value) VALUES (?, ?, ?)")
            let drop = try db.cachedStatement(sql: "DELETE FROM value WHERE series_id = ? AND sample_id < ?")
            let dropRollup = try db.cachedStatement(sql: "DELETE FROM rollup WHERE series_id = ? AND sample_id < ?")
            for id in ids {
                if let value = try Int64?.fetchOne(carried, arguments: [id, firstKept]) ?? nil {
                    try rebase.execute(arguments: [id, firstKept, value])
                }
                try drop.execute(arguments: [id, firstKept])
                try dropRollup.execute(arguments: [id, firstKept])
            }
            try db.execute(sql: "DELETE FROM process_sample WHERE sample_id < ?", arguments: [firstKept])
            try db.execute(sql: "DELETE FROM process WHERE id NOT IN (SELECT process_id FROM process_sample)")
            try db.execute(sql: "DELETE FROM attribution WHERE sample_id < ?", arguments: [firstKept])
            try db.execute(sql: "DELETE FROM sample WHERE id < ?", arguments: [firstKept])
            return count
        }
        if removed > 0 { try loadCaches() }
        return removed
    }

    private struct Member { var id: Int64; var span: Int64 }

    private func downsample(_ db: Database, before cutoff: Int64, bucket: Int64) throws -> Int {
        guard bucket > 0 else { return 0 }
        var groups: [[Member]] = []
        var currentBucket: Int64?
        for row in try Row.fetchAll(db, sql: "SELECT id, time_ns, span FROM sample WHERE time_ns < ? ORDER BY id",
                                    arguments: [cutoff]) {
            let time: Int64 = row["time_ns"]
            let key = time >= 0 ? time / bucket : (time - bucket + 1) / bucket
            let member = Member(id: row["id"], span: row["span"])
            if key == currentBucket, !groups.isEmpty {
                groups[groups.count - 1].append(member)
            } else {
                groups.append([member])
                currentBucket = key
            }
        }
        groups.removeAll { $0.count < 2 }
        guard let low = groups.first?.first?.id, let high = groups.last?.last?.id else { return 0 }

        let names = try Row.fetchAll(db, sql: "SELECT id, kind FROM series_name")
        let inRange = try db.cachedStatement(sql: """
            SELECT sample_id, value FROM value WHERE series_id = ? AND sample_id BETWEEN ? AND ? ORDER BY sample_id
            """)
        let carried = try db.cachedStatement(sql: """
            SELECT value FROM value WHERE series_id = ? AND sample_id < ? ORDER BY sample_id DESC LIMIT 1
            """)
        let rollups = try db.cachedStatement(sql: """
            SELECT sample_id, min, max, mean FROM rollup WHERE series_id = ? AND sample_id BETWEEN ? AND ?
            """)
        let insert = try db.cachedStatement(sql: "INSERT OR IGNORE INTO value (series_id, sample_id, value) VALUES (?, ?, ?)")
        let deleteValue = try db.cachedStatement(sql: "DELETE FROM value WHERE series_id = ? AND sample_id = ?")
        let deleteRollup = try db.cachedStatement(sql: "DELETE FROM rollup WHERE series_id = ? AND sample_id = ?")
        let writeRollup = try db.cachedStatement(sql: """
            INSERT OR REPLACE INTO rollup (series_id, sample_id, min, max, mean) VALUES (?, ?, ?, ?, ?)
            """)

        for name in names {
            let series: Int64 = name["id"]
            let kind = SeriesKind(rawValue: name["kind"])
            let rows = try Row.fetchAll(inRange, arguments: [series, low, high]).map {
                (sample: $0["sample_id"] as Int64, value: $0["value"] as Int64?)
            }
            guard !rows.isEmpty else { continue }
            var summaries: [Int64: (min: Int64, max: Int64, mean: Double)] = [:]
            for r in try Row.fetchAll(rollups, arguments: [series, low, high]) {
                summaries[r["sample_id"]] = (r["min"], r["max"], r["mean"])
            }
            let wantsRollup = kind.map { !$0.isCounter && !$0.isFact } ?? false
            var value = try Int64?.fetchOne(carried, arguments: [series, low]) ?? nil
            var next = 0
            for group in groups {
                guard let kept = group.last else { continue }
                var low: Int64 = .max, high: Int64 = .min, sum = 0.0, weight: Int64 = 0
                var lastDropped: (found: Bool, value: Int64?) = (false, nil)
                var keptHasRow = false
                for member in group {
                    while next < rows.count, rows[next].sample <= member.id {
                        value = rows[next].value
                        if rows[next].sample == member.id {
                            if member.id == kept.id {
                                keptHasRow = true
                            } else {
                                lastDropped = (true, value)
                                try deleteValue.execute(arguments: [series, member.id])
                            }
                        }
                        next += 1
                    }
                    if let summary = summaries[member.id] {
                        low = min(low, summary.min); high = max(high, summary.max)
                        sum += summary.mean * Double(member.span); weight += member.span
                        if member.id != kept.id { try deleteRollup.execute(arguments: [series, member.id]) }
                    } else if let v = value {
                        low = min(low, v); high = max(high, v)
                        sum += Double(v) * Double(member.span); weight += member.span
                    }
                }
                // The kept sample must still read the value the bucket ended with.
                if lastDropped.found, !keptHasRow {
                    try insert.execute(arguments: [series, kept.id, lastDropped.value])
                }
                if wantsRollup, weight > 0, low < high {
                    try writeRollup.execute(arguments: [series, kept.id, low, high, sum / Double(weight)])
                }
            }
        }
        var removed = 0
        for group in groups {
            guard let kept = group.last else { continue }
            let dropped = group.dropLast().map(\.id)
            let span = group.reduce(Int64(0)) { $0 + $1.span }
            for id in dropped {
                try db.execute(sql: "DELETE FROM process_sample WHERE sample_id = ?", arguments: [id])
                // An attribution stays, on the sample that now stands for its bucket.
                try db.execute(sql: "UPDATE attribution SET sample_id = ? WHERE sample_id = ?", arguments: [kept.id, id])
                try db.execute(sql: "DELETE FROM sample WHERE id = ?", arguments: [id])
            }
            try db.execute(sql: "UPDATE sample SET span = ? WHERE id = ?", arguments: [span, kept.id])
            removed += dropped.count
        }
        try db.execute(sql: "DELETE FROM process WHERE id NOT IN (SELECT process_id FROM process_sample)")
        return removed
    }
}
