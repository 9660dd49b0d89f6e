import GRDB
import MemoryModel

extension HistoryDatabase {
    /// Stores one snapshot: its host facts, every raw value that changed
    /// since the series' last row (a NULL row for one that vanished), and
    /// `processes` (the rows worth keeping, with start times), in one
    /// transaction. Returns the sample's id.
    @discardableResult
    public func append(_ snapshot: Snapshot, processes: [ProcessRow] = []) throws -> Int64 {
        let encoding = SnapshotEncoding(snapshot)
        let host = StoredHost(snapshot)
        var pending: [Int64: Int64?] = [:]
        var pendingNames: [(SeriesKey, Int64)] = []
        var pendingHost: Int64?
        let sampleID: Int64 = try writer.write { db in
            pending = try lastValues ?? storedLastValues(db)
            let hostID = try hostID(host, db)
            pendingHost = hostID
            try db.execute(
                sql: "INSERT INTO sample (time_ns, monotonic_us, host_id) VALUES (?, ?, ?)",
                arguments: [snapshot.time.nanosecondsSinceEpoch,
                            Int64(snapshot.time.monotonic * 1e6), hostID])
            let sampleID = db.lastInsertedRowID
            let insert = try db.cachedStatement(sql: "INSERT INTO value (series_id, sample_id, value) VALUES (?, ?, ?)")
            var present = Set<Int64>()
            present.reserveCapacity(encoding.values.count)
            for (key, raw) in encoding.values {
                let id = try seriesID(key, db, &pendingNames)
                var value = raw
                if key.kind == .slabLink, let target = encoding.linkTargets[key.name] {
                    value = try seriesID(SeriesKey(.slabDirectory, target), db, &pendingNames)
                }
                present.insert(id)
                if let last = pending[id], last == value { continue }
                try insert.execute(arguments: [id, sampleID, value])
                pending[id] = .some(value)
            }
            for (id, last) in pending where last != nil && !present.contains(id) {
                try insert.execute(arguments: [id, sampleID, nil as Int64?])
                pending[id] = .some(nil)
            }
            try appendProcesses(processes, sampleID: sampleID, db)
            return sampleID
        }
        // Only after the commit: a failed transaction leaves the caches as the file is.
        lastValues = pending
        if let pendingHost { hostIDs[host] = pendingHost }
        for (key, id) in pendingNames {
            seriesIDs[key] = id
            seriesKeys[id] = key
        }
        return sampleID
    }

    private func seriesID(_ key: SeriesKey, _ db: Database, _ pendingNames: inout [(SeriesKey, Int64)]) throws -> Int64 {
        if let id = seriesIDs[key] { return id }
        if let pending = pendingNames.first(where: { $0.0 == key }) { return pending.1 }
        try db.execute(sql: "INSERT INTO series_name (kind, name) VALUES (?, ?)", arguments: [key.kind.rawValue, key.name])
        let id = db.lastInsertedRowID
        pendingNames.append((key, id))
        return id
    }

    private func hostID(_ host: StoredHost, _ db: Database) throws -> Int64 {
        if let id = hostIDs[host] { return id }
        let arguments: StatementArguments = [
            host.hostname, host.kernel, host.pageSize, host.pageSizeSource, host.clockTicks,
            host.slabinfoVersion, host.slabinfoStatistics ? 1 : 0,
        ]
        // IS rather than = so that NULL facts match.
        let id: Int64
        if let found = try Int64.fetchOne(db, sql: """
            SELECT id FROM host WHERE hostname IS ? AND kernel IS ? AND page_size IS ? AND page_size_source IS ?
            AND clock_ticks = ? AND slabinfo_version IS ? AND slabinfo_statistics = ?
            """, arguments: arguments) {
            id = found
        } else {
            try db.execute(sql: """
                INSERT INTO host (hostname, kernel, page_size, page_size_source, clock_ticks, slabinfo_version,
                slabinfo_statistics) VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: arguments)
            id = db.lastInsertedRowID
        }
        // Cached by append after the commit: a rolled-back insert (a full
        // disk) must not leave an id the file does not have.
        return id
    }

    private func appendProcesses(_ rows: [ProcessRow], sampleID: Int64, _ db: Database) throws {
        guard !rows.isEmpty else { return }
        let find = try db.cachedStatement(sql: "SELECT id FROM process WHERE pid = ? AND start_ticks = ?")
        let add = try db.cachedStatement(sql: """
            INSERT INTO process (pid, start_ticks, command, cmdline, user, uid, cgroup) VALUES (?, ?, ?, ?, ?, ?, ?)
            """)
        let figures = try db.cachedStatement(sql: """
            INSERT OR REPLACE INTO process_sample (sample_id, process_id, virt, res, shr, pss, uss, swap)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """)
        func bits(_ value: UInt64?) -> Int64? { value.map { Int64(bitPattern: $0) } }
        for row in rows {
            // A process whose stat could not be read has no identity: start 0.
            let start = bits(row.startTimeTicks) ?? 0
            let id: Int64
            if let found = try Int64.fetchOne(find, arguments: [row.pid, start]) {
                id = found
            } else {
                try add.execute(arguments: [row.pid, start, row.command, row.cmdline, row.user,
                                            row.uid.map { Int64($0) }, row.cgroup])
                id = db.lastInsertedRowID
            }
            try figures.execute(arguments: [sampleID, id, bits(row.virt), bits(row.res), bits(row.shr),
                                            bits(row.pss), bits(row.uss), bits(row.swap)])
        }
    }
}
