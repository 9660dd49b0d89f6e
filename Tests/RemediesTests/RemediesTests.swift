import Diagnosis
import Foundation
import KernelFiles
import MemoryModel
import Remedies
import Testing
import TestSupport

@Suite struct DropCachesTests {
    static let incident = Fixtures.kernel("linux-2.6.32-rhel6")

    /// The incident host: level 2 expects the dentry cache (its unused share)
    /// and no page cache; level 1 the page cache minus Shmem and dirty pages;
    /// level 3 both.
    @Test func expectedEffectByLevel() throws {
        let figures = CacheFigures.read(Self.incident)
        let level2 = DropCaches.expected(level: 2, figures)
        #expect(level2.map(\.name) == ["dentries", "inodes"])
        let dentries = try #require(level2[0].bytes)
        let state = try #require(figures.dentryState)
        let slab = try #require(figures.dentryBytes)
        #expect(dentries == Int64(Double(slab) * Double(state.nrUnused) / Double(state.nrDentry)))
        #expect(dentries > 30 << 30, "the incident's ~37 GiB of dentries")
        let level1 = DropCaches.expected(level: 1, figures)
        #expect(level1.map(\.name) == ["page cache"])
        let cached = try #require(figures.cached), shmem = figures.shmem ?? 0
        let unwritten = figures.unwritten ?? 0
        #expect(level1[0].bytes == Int64(cached - shmem - unwritten))
        #expect(DropCaches.expected(level: 3, figures).map(\.name) == ["page cache", "dentries", "inodes"])
    }

    @Test(arguments: Fixtures.kernelNames)
    func everyFixtureGivesFigures(_ kernel: String) {
        let figures = CacheFigures.read(Fixtures.kernel(kernel))
        #expect(figures.memFree != nil, "\(kernel)")
        #expect(!DropCaches.expected(level: 3, figures).isEmpty)
    }

    @Test func freedIsBeforeMinusAfterByPart() {
        let before = CacheFigures(memFree: 1000, cached: 5000, shmem: 1000, sReclaimable: 9000,
                                  dentryBytes: 6000, inodeBytes: 2000)
        let after = CacheFigures(memFree: 9000, cached: 4500, shmem: 1000, sReclaimable: 500,
                                 dentryBytes: 100, inodeBytes: 400)
        let freed = Dictionary(uniqueKeysWithValues: DropCaches.freed(before: before, after: after).map { ($0.name, $0.bytes) })
        #expect(freed["page cache"] == 500)
        #expect(freed["dentries"] == 5900)
        #expect(freed["inodes"] == 1600)
        // Named, not written out in the #expect: Swift 6.3.1's #expect
        // compares an Optional with an arithmetic expression wrongly (1000 ==
        // 1000 fails; every build under TSan, or with a single Optional in a
        // plain build — docs/RELIABILITY.md §2).
        let otherSlab: Int64 = 8500 - 5900 - 1600
        #expect(freed["other reclaimable slab"] == otherSlab)
        #expect(freed["MemFree (total)"] == 8000)
    }

    @Test func refusesDirtyPageCacheDropsAndRepeats() {
        let dirty = DropCaches.dirtyLimitBytes + 1
        #expect(DropCaches.refusal(level: 3, unwritten: dirty, lastDrop: nil, now: 0, force: false)?.contains("dirty") == true)
        #expect(DropCaches.refusal(level: 1, unwritten: dirty, lastDrop: nil, now: 0, force: false) != nil)
        // Level 2 does not touch the page cache: dirty pages do not matter.
        #expect(DropCaches.refusal(level: 2, unwritten: dirty, lastDrop: nil, now: 0, force: false) == nil)
        #expect(DropCaches.refusal(level: 3, unwritten: dirty, lastDrop: nil, now: 0, force: true) == nil)
        // The rate limit, from the log's last drop.
        let now: Int64 = 1_000_000
        #expect(DropCaches.refusal(level: 2, unwritten: 0, lastDrop: now - 60, now: now, force: false)?.contains("60 s ago") == true)
        #expect(DropCaches.refusal(level: 2, unwritten: 0, lastDrop: now - DropCaches.minimumIntervalSeconds, now: now, force: false) == nil)
        #expect(DropCaches.refusal(level: 2, unwritten: 0, lastDrop: now - 60, now: now, force: true) == nil)
    }
}

@Suite struct ActionLogTests {
    static func temporaryDirectory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("actions-\(UUID().uuidString)").path
        return path + "/nested/state"  // the log makes its directory
    }

    static let record = ActionRecord(
        time: "2026-11-25T08:17:56.123Z", user: "root", action: "drop-caches", arguments: ["--level", "2"],
        before: [JSONNode.Member(key: "memfree_bytes", value: .number(1024)), JSONNode.Member(key: "note", value: .string("a \"q\""))],
        after: [JSONNode.Member(key: "memfree_bytes", value: .number(4096)), JSONNode.Member(key: "x", value: .null)])

    @Test func lineIsOneJSONObjectThatReadsBack() throws {
        let line = Self.record.line
        #expect(!line.contains("\n"))
        #expect(line.hasPrefix(#"{"time":"2026-11-25T08:17:56.123Z","user":"root","action":"drop-caches","arguments":["--level","2"],"before":{"memfree_bytes":1024,"#))
        #expect(ActionRecord(line: line) == Self.record)
        #expect(Self.record.seconds == 1_795_594_676)
        // Foundation agrees it is JSON.
        #expect(try JSONSerialization.jsonObject(with: Data(line.utf8)) is [String: Any])
    }

    @Test func appendsAndReadsSkippingTornLines() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let log = ActionLog(directory: directory)
        #expect(try log.read().records.isEmpty)
        try log.append(Self.record, writes: .system)
        var later = Self.record
        later.time = "2026-11-26T08:17:56.000Z"
        later.action = "cache-pressure"
        try log.append(later, writes: .system)
        // A torn last line (a crash mid-write) is skipped, not fatal.
        let handle = try #require(FileHandle(forWritingAtPath: log.path))
        handle.seekToEndOfFile()
        handle.write(Data(#"{"time":"2026-11-2"#.utf8))
        try handle.close()
        let (records, skipped) = try log.read()
        #expect(records == [Self.record, later])
        #expect(skipped == 1)
        #expect(ActionLog.lastDropCaches(records) == Self.record.seconds)
        #expect(ActionLog.recent(records, since: try #require(later.seconds)) == [later])
    }

    @Test func stateDirectoryFollowsTheHistoryStoreRule() {
        #expect(StateDirectory.path(euid: 0) { _ in "/x" } == "/var/lib/memsleuth")
        #expect(StateDirectory.path(euid: 1000) { ["XDG_STATE_HOME": "/s", "HOME": "/h"][$0] } == "/s/memsleuth")
        #expect(StateDirectory.path(euid: 1000) { ["XDG_STATE_HOME": "rel", "HOME": "/h"][$0] } == "/h/.local/state/memsleuth")
        #expect(StateDirectory.path(euid: 1000) { _ in nil } == nil)
    }
}

@Suite struct SysctlConfTests {
    @Test func newFileHasTheHeaderAndTheSetting() {
        let text = SysctlConf.setting("vm.vfs_cache_pressure", to: 200, in: nil)
        #expect(text.hasPrefix("# Written by memsleuth"))
        #expect(text.hasSuffix("\nvm.vfs_cache_pressure = 200\n"))
    }

    @Test func replacesTheKeyKeepingEverythingElse() {
        let existing = "# mine\nvm/vfs_cache_pressure=150\nfs.dentry-negative = 1\n; note\n"
        let text = SysctlConf.setting("vm.vfs_cache_pressure", to: 200, in: existing)
        #expect(text == "# mine\nvm.vfs_cache_pressure = 200\nfs.dentry-negative = 1\n; note\n")
        #expect(SysctlConf.setting("fs.dentry-negative", to: 0, in: text).contains("fs.dentry-negative = 0\n"))
    }

    @Test func readsTheLiveValueAndSaysWhenAbsent() throws {
        let root = Fixtures.kernel("linux-6.18-sandbox")
        #expect(try SysctlSetting.vfsCachePressure.current(root) == 100)
        #expect(try SysctlSetting.dentryNegative.current(root) == nil)  // not in this capture
        #expect(try SysctlSetting.dentryNegative.current(Fixtures.kernel("linux-2.6.32-rhel6")) == nil)
    }

    @Test func tradeOffNamesTheDirection() {
        #expect(CachePressure.tradeOff(200).contains("reclaims dentries and inodes in preference"))
        #expect(CachePressure.tradeOff(50).contains("longer"))
        #expect(CachePressure.tradeOff(5000).contains("ten times"))
    }
}

@Suite struct WriteFailureTests {
    @Test func messagesSayWhatToDo() {
        #expect(WriteFailure(path: "/proc/sys/vm/drop_caches", errno: .readOnlyFileSystem).message
            == "cannot write /proc/sys/vm/drop_caches: read-only file system (/proc/sys is mounted read-only, as in most containers: run this on the host or in a privileged container)")
        #expect(WriteFailure(path: "/proc/sys/vm/drop_caches", errno: .permissionDenied).message.contains("needs root"))
        #expect(WriteFailure(path: "/proc/sys/vm/drop_caches", errno: .notPermitted).message.contains("CAP_SYS_ADMIN"))
    }
}

@Suite struct RegrowthWatchTests {
    static func watch(_ values: [UInt64]) -> RegrowthWatch {
        var watch = RegrowthWatch()
        for (index, value) in values.enumerated() {
            watch.add(.init(seconds: Double(index) * 10, nrDentry: value, dentryBytes: value * 192, inodeBytes: 0))
        }
        return watch
    }

    @Test func steadyGrowthMeansTheCauseStillRuns() {
        let watch = Self.watch((0..<30).map { 1000 + UInt64($0) * 500 + UInt64($0 % 3) * 7 })
        #expect(watch.verdict == .regrowing)
        #expect(abs((watch.dentries.perHour ?? 0) - 500 * 360) < 500 * 360 * 0.05)
    }

    @Test func flatCacheIsSteady() {
        #expect(Self.watch((0..<30).map { 1000 + UInt64($0 % 4) }).verdict == .steady)
    }

    @Test func twoSamplesAreTooFewToSay() {
        #expect(Self.watch([1000, 2000]).verdict == .unknown)
    }
}

@Suite struct RemedyListTests {
    /// The incident: drop-caches level 2 with the dentry cache's size, and
    /// cache pressure; one entry per action, answering every finding that
    /// proposed it.
    @Test func incidentListsDropCachesWithItsExpectedBytes() throws {
        let root = Fixtures.kernel("linux-2.6.32-rhel6")
        let report = Doctor.diagnose(DiagnosisInput.gather(root: root), knowledgeBase: try KnowledgeBase.embedded())
        let figures = CacheFigures.read(root)
        let list = RemedyList.applicable(report, figures: figures, sysctls: try root.vmSysctls(buffer: ReadBuffer()))
        #expect(list.map(\.command) == ["memsleuth fix drop-caches --level 2", "memsleuth fix cache-pressure 200"])
        let drop = list[0]
        let expected = DropCaches.expected(level: 2, figures).compactMap(\.bytes).reduce(0, +)
        #expect(drop.expectedBytes == UInt64(expected))
        #expect(drop.ruleIDs.contains("slab.dentry.dominant"))
        #expect(drop.cost.contains("no page-cache IO"))
        #expect(list[1].expectedBytes == nil)
    }
}
