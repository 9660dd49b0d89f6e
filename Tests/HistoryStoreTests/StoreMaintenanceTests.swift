import GRDB
import HistoryStore
import KernelFiles
import MemoryModel
import Testing
import TestSupport

/// Downsampling and retention on synthetic times: samples every 10 s whose
/// MemFree (a gauge) and pgfault (a counter) follow known sequences.
@Suite struct StoreMaintenanceTests {
    static let second: Int64 = 1_000_000_000
    static let day: Int64 = 86_400 * second

    static func snapshot(at time: Int64, memFree: UInt64, pgfault: UInt64) -> Snapshot {
        Snapshot(
            time: WallTime(seconds: time / second, nanoseconds: time % second, monotonic: Double(time) / 1e9),
            host: HostFacts(kernelRelease: "6.18.0", hostname: "test"),
            pageSize: HostPageSize(bytes: 4096, source: .sysconf), clockTicksPerSecond: 100,
            meminfo: Meminfo(fields: [
                Meminfo.Field(name: "MemTotal", value: 8 << 30, isBytes: true),
                Meminfo.Field(name: "MemFree", value: memFree, isBytes: true),
            ]),
            vmstat: VmstatCounters(stat: ProcStat(contextSwitches: 1), vmstat: Vmstat(fields: [
                Vmstat.Field(name: "pgfault", value: pgfault),
            ])),
            pressure: nil, slab: nil,
            dcache: DcacheReport(dentries: nil, inodes: nil, files: nil, sysctls: nil, unavailable: []),
            buddy: nil, numa: NumaReading(nodes: [], nodeListError: nil, unavailable: []),
            unavailable: [], filesRead: [])
    }

    /// 2 minutes of 10-s samples starting at `start` (a minute boundary):
    /// MemFree 100, 200, 300, 400, 500, 600 MiB, then the same again;
    /// pgfault counts 1, 2, 3 … 12.
    static func record(_ store: HistoryDatabase, start: Int64) throws {
        for i in 0..<12 {
            let memFree = UInt64((i % 6) + 1) * 100 << 20
            try store.append(snapshot(at: start + Int64(i) * 10 * second, memFree: memFree, pgfault: UInt64(i + 1)))
        }
    }

    @Test func oldRawSamplesBecomeOnePerMinuteKeepingLastMinMaxMean() throws {
        // Given two minutes of raw samples two days old,
        let store = try HistoryDatabase(writer: DatabaseQueue())
        let now = 1_800_000_000 * Self.second
        let start = now - 2 * Self.day - (now % (60 * Self.second))
        try Self.record(store, start: start)
        // when downsampled (minute tier applies, hour tier does not),
        let removed = try store.downsample(now: now, policy: DownsamplePolicy(tiers: [
            .init(ageNanoseconds: Self.day, bucketNanoseconds: 60 * Self.second),
        ]))
        // then one sample per minute is left, standing for six,
        #expect(removed == 10)
        let samples = try store.samples()
        #expect(samples.map(\.span) == [6, 6])
        #expect(samples.map(\.timeNanoseconds) == [start + 50 * Self.second, start + 110 * Self.second])
        // each holding the bucket's last values (the counter's too),
        for (index, sample) in samples.enumerated() {
            let replay = try #require(try store.snapshot(sampleID: sample.id))
            #expect(replay.meminfo?.memFree == 600 << 20)
            #expect(replay.meminfo?.memTotal == 8 << 30)
            #expect(replay.vmstat?.vmstat["pgfault"] == UInt64(6 * (index + 1)))
        }
        // and the gauge's min/max/mean over the bucket; none for the counter.
        let rollups = try store.writer.read { db in
            try Row.fetchAll(db, sql: """
                SELECT n.name, r.min, r.max, r.mean FROM rollup r JOIN series_name n ON n.id = r.series_id ORDER BY r.sample_id
                """)
        }
        #expect(rollups.count == 2)
        for rollup in rollups {
            #expect(rollup["name"] as String == "MemFree")
            #expect(rollup["min"] as Int64 == 100 << 20)
            #expect(rollup["max"] as Int64 == 600 << 20)
            #expect(rollup["mean"] as Double == Double(350 << 20))
        }
    }

    @Test func minutesBecomeHoursWithMergedRollups() throws {
        let store = try HistoryDatabase(writer: DatabaseQueue())
        let now = 1_800_000_000 * Self.second
        let start = now - 10 * Self.day - (now % (3_600 * Self.second))
        try Self.record(store, start: start)
        try store.downsample(now: now)  // the standard policy: minute tier, then hour tier
        let samples = try store.samples()
        #expect(samples.map(\.span) == [12])
        let replay = try #require(try store.snapshot(sampleID: samples[0].id))
        #expect(replay.meminfo?.memFree == 600 << 20)
        #expect(replay.vmstat?.vmstat["pgfault"] == 12)
        let mean = try store.writer.read { db in try Double.fetchOne(db, sql: "SELECT mean FROM rollup") }
        #expect(mean == Double(350 << 20))
    }

    @Test func recentSamplesAreLeftAlone() throws {
        let store = try HistoryDatabase(writer: DatabaseQueue())
        let now = 1_800_000_000 * Self.second
        try Self.record(store, start: now - 3_600 * Self.second)
        #expect(try store.downsample(now: now) == 0)
        #expect(try store.samples().count == 12)
    }

    @Test func retentionDeletesOldSamplesAndKeepsTheValuesTheRestNeed() throws {
        // Given samples where MemTotal is written once (first sample) and never again,
        let store = try HistoryDatabase(writer: DatabaseQueue())
        let now = 1_800_000_000 * Self.second
        let start = now - 15 * Self.day
        try Self.record(store, start: start)
        try Self.record(store, start: now - Self.day)
        // when everything older than 14 days goes,
        #expect(try store.prune(before: now - 14 * Self.day) == 12)
        // then the oldest kept sample still reads MemTotal and its own MemFree,
        let samples = try store.samples()
        #expect(samples.count == 12)
        let first = try #require(try store.snapshot(sampleID: samples[0].id))
        #expect(first.meminfo?.memTotal == 8 << 30)
        #expect(first.meminfo?.memFree == 100 << 20)
        // and appending goes on from the store's own last values.
        let id = try store.append(Self.snapshot(at: now, memFree: 600 << 20, pgfault: 13))
        #expect(try store.snapshot(sampleID: id)?.meminfo?.memTotal == 8 << 30)
    }
}
