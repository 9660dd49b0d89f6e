import GRDB
import MemoryModel

/// A stored sample: its id, when it was taken, how many raw samples it
/// stands for (1 unless downsampled).
public struct StoredSample: Sendable, Equatable {
    public var id: Int64
    /// Wall clock, nanoseconds since the epoch.
    public var timeNanoseconds: Int64
    public var span: Int64
}

extension HistoryDatabase {
    /// Every sample between two wall-clock times (nanoseconds), oldest first.
    public func samples(from: Int64 = .min, to: Int64 = .max) throws -> [StoredSample] {
        try writer.read { db in
            try Row.fetchAll(db, sql: "SELECT id, time_ns, span FROM sample WHERE time_ns BETWEEN ? AND ? ORDER BY time_ns, id",
                             arguments: [from, to]).map { StoredSample(id: $0["id"], timeNanoseconds: $0["time_ns"], span: $0["span"]) }
        }
    }

    /// The last sample taken at or before `time` (ns since the epoch); nil
    /// when the store has none that early.
    public func sample(atOrBefore time: Int64) throws -> StoredSample? {
        try writer.read { db in
            try Row.fetchOne(db, sql: "SELECT id, time_ns, span FROM sample WHERE time_ns <= ? ORDER BY time_ns DESC, id DESC LIMIT 1",
                             arguments: [time]).map { StoredSample(id: $0[0], timeNanoseconds: $0[1], span: $0[2]) }
        }
    }

    /// The snapshot of the last sample taken at or before `time` (ns since
    /// the epoch); nil when the store has none that early.
    public func snapshot(at time: Int64) throws -> Snapshot? {
        try sample(atOrBefore: time).flatMap { try snapshot(sampleID: $0.id) }
    }

    /// Rebuilds the snapshot of one stored sample, for the views to derive
    /// their figures from as they do live.
    public func snapshot(sampleID: Int64) throws -> Snapshot? {
        try snapshots(sampleIDs: [sampleID]).first ?? nil
    }

    /// Rebuilds several stored samples in one read: the series names are
    /// read once for all of them (a host has ~3,000 series, most of them
    /// slab caches' columns), then each sample is one statement that seeks
    /// each series' last row at or before it. `series: .trends` rebuilds
    /// only what growth and forecasts read (see `SeriesSelection`). nil for
    /// an id the store does not have.
    public func snapshots(sampleIDs: [Int64], series: SeriesSelection = .all) throws -> [Snapshot?] {
        try writer.read { db -> [Snapshot?] in
            // Positional columns: GRDB's by-name lookup lowercases the name
            // on every access, which showed in profiles of the doctor.
            var names: [Int64: (kind: SeriesKind, name: String)] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT id, kind, name FROM series_name") {
                guard let kind = SeriesKind(rawValue: row[1]), series.includes(kind) else { continue }
                names[row[0]] = (kind, row[2])
            }
            // One statement per sample rather than one per series and sample:
            // the seeks are the same, the per-call overhead is paid once.
            let kinds = SeriesKind.allCases.filter(series.includes).map { String($0.rawValue) }.joined(separator: ",")
            let last = try db.cachedStatement(sql: """
                SELECT n.id, (SELECT v.value FROM value v WHERE v.series_id = n.id AND v.sample_id <= ?
                              ORDER BY v.sample_id DESC LIMIT 1)
                FROM series_name n WHERE n.kind IN (\(kinds)) ORDER BY n.id
                """)
            return try sampleIDs.map { sampleID in try Self.decode(db, sampleID: sampleID, names: names, last: last) }
        }
    }

    /// One sample, given the series names and the "each series' last value
    /// at or before" statement.
    private static func decode(_ db: Database, sampleID: Int64, names: [Int64: (kind: SeriesKind, name: String)],
                               last: Statement) throws -> Snapshot? {
        guard let sample = try Row.fetchOne(db, sql: """
            SELECT s.time_ns, s.monotonic_us, h.* FROM sample s JOIN host h ON h.id = s.host_id WHERE s.id = ?
            """, arguments: [sampleID]) else { return nil }
        let timeNs: Int64 = sample["time_ns"]
        let monotonicUs: Int64 = sample["monotonic_us"]
        let time = WallTime(
            seconds: timeNs / 1_000_000_000, nanoseconds: timeNs % 1_000_000_000,
            monotonic: Double(monotonicUs) / 1e6)
        let host = StoredHost(
            hostname: sample["hostname"], kernel: sample["kernel"], pageSize: sample["page_size"],
            pageSizeSource: sample["page_size_source"], clockTicks: sample["clock_ticks"],
            slabinfoVersion: sample["slabinfo_version"], slabinfoStatistics: (sample["slabinfo_statistics"] as Int64) != 0)

        // Each series' last row at or before the sample: one index seek per series.
        var values: [(SeriesKey, Int64)] = []
        values.reserveCapacity(names.count)
        var directoryNames: [Int64: String] = [:]
        var links: [(String, Int64)] = []
        let cursor = try Row.fetchCursor(last, arguments: [sampleID])
        while let row = try cursor.next() {
            // NULL: no row yet, or a NULL row (the series vanished).
            guard let value = row[1] as Int64?, let (kind, name) = names[row[0]] else { continue }
            let id: Int64 = row[0]
            switch kind {
            case .slabDirectory: directoryNames[id] = name
            case .slabLink: links.append((name, value)); continue
            default: break
            }
            values.append((SeriesKey(kind, name), value))
        }
        var linkTargets: [String: String] = [:]
        for (link, target) in links { linkTargets[link] = directoryNames[target] }
        let rows = try Row.fetchAll(db, sql: """
            SELECT p.pid, p.start_ticks, p.command, p.cmdline, p.user, p.uid, p.cgroup,
                   f.virt, f.res, f.shr, f.pss, f.uss, f.swap
            FROM process_sample f JOIN process p ON p.id = f.process_id WHERE f.sample_id = ?
            ORDER BY f.res DESC, p.pid
            """, arguments: [sampleID])
        func u(_ value: Int64?) -> UInt64? { value.map { UInt64(bitPattern: $0) } }
        let processes = rows.map { r in
            ProcessRow(
                pid: Int32(clamping: r["pid"] as Int64), user: r["user"], uid: (r["uid"] as Int64?).map { UInt32(clamping: $0) },
                command: r["command"], cmdline: r["cmdline"], virt: u(r["virt"]), res: u(r["res"]), shr: u(r["shr"]),
                pss: u(r["pss"]), uss: u(r["uss"]), swap: u(r["swap"]), startTimeTicks: u(r["start_ticks"]),
                cgroup: r["cgroup"])
        }
        let hasSweep = values.contains { $0.0.kind == .processSweep }
        return SnapshotDecoding(
            time: time, host: host, values: values, linkTargets: linkTargets,
            processes: hasSweep || !processes.isEmpty ? processes : nil
        ).snapshot()
    }
}

extension HistoryDatabase {
    /// At most `limit` samples between two times, spread evenly in time (the
    /// last one at or before each of `limit` evenly spaced instants, each
    /// sample once), oldest first. The trend engine thins every series to a
    /// few hundred points anyway (Diagnosis `trendMaxPoints`); rebuilding only
    /// these keeps a doctor over 30 days of samples within its second.
    public func samples(from: Int64, to: Int64, spreadOver limit: Int) throws -> [StoredSample] {
        let all = try samples(from: from, to: to)
        guard all.count > limit, limit >= 2, let first = all.first, let last = all.last else { return all }
        let span = Double(last.timeNanoseconds - first.timeNanoseconds)
        var picked: [StoredSample] = []
        picked.reserveCapacity(limit)
        var index = 0
        for k in 0..<limit {
            let instant = first.timeNanoseconds + Int64(span * Double(k) / Double(limit - 1))
            while index + 1 < all.count, all[index + 1].timeNanoseconds <= instant { index += 1 }
            if picked.last?.id != all[index].id { picked.append(all[index]) }
        }
        if picked.last?.id != last.id { picked.append(last) }
        return picked
    }
}
