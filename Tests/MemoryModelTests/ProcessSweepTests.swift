import KernelFiles
import MemoryModel
import SystemPackage
import Testing
import TestSupport

@Suite struct ProcessSweepTests {
    static func tree(_ name: String) -> String { Fixtures.directory + "/processes/" + name }

    /// A sweep, then the details (start time, cmdline) of every row, as `ps --json` does.
    static func sweep(_ name: String, failing: [String: Errno] = [:], cgroup: Bool = false) throws -> ProcessSweep {
        let root = ProcRoot(tree(name), io: failing.isEmpty ? .system : FaultyIO.failing(failing))
        let sweeper = ProcessSweeper(root: root, pageSize: 4096)
        sweeper.readsCgroup = cgroup
        var sweep = try sweeper.sweep()
        sweep.unavailable += sweeper.readDetails(&sweep.rows)
        return sweep
    }

    @Test func theSweepItselfReadsOnlyStatusAndRollup() throws {
        let root = ProcRoot(Self.tree("linux-6.18-sandbox"), io: FaultyIO.failing([
            "/stat": .ioError, "/cmdline": .ioError, "/statm": .ioError, "/cgroup": .ioError, "/smaps": .ioError,
        ]))
        let sweep = try ProcessSweeper(root: root, pageSize: 4096).sweep()
        #expect(sweep.rows.count == 4 && sweep.unavailable.isEmpty)
        #expect(sweep.rows.allSatisfy { $0.startTimeTicks == nil && $0.cmdline.isEmpty && $0.pss != nil })
    }

    @Test func sweepsTheSandboxCapture() throws {
        let sweep = try Self.sweep("linux-6.18-sandbox", cgroup: true)
        #expect(sweep.rows.map(\.pid) == [23341, 23342, 23344, 23345])
        #expect(sweep.withoutMemory == 1, "the kworker is skipped")
        #expect(sweep.unreadable == 0 && sweep.vanished == 0 && sweep.unavailable.isEmpty)
        let python = try #require(sweep.rows.first { $0.pid == 23342 })
        #expect(python.user == "root" && python.uid == 0 && python.command == "python3")
        #expect(python.cmdline.hasPrefix("python3 -c "))
        #expect(python.virt == 65316 * 1024 && python.res == 60316 * 1024)
        #expect(python.shr == 5620 * 1024, "RssFile + RssShmem, as statm shared")
        #expect(python.pss == 56511 * 1024 && python.uss == (68 + 54696) * 1024 && python.swap == 0)
        #expect(python.startTimeTicks != nil)
        #expect(python.cgroup?.hasPrefix("/process_api/") == true)
        let paren = try #require(sweep.rows.first { $0.pid == 23345 })
        #expect(paren.command == "a) (b")
    }

    @Test func pre45KernelTakesShrFromStatmAndPre414SumsSmaps() throws {
        let sweep = try Self.sweep("linux-4.4-ubuntu16", cgroup: true)
        let nginx = try #require(sweep.rows.first)
        #expect(nginx.user == "www-data")
        #expect(nginx.shr == 1200 * 4096)
        #expect(nginx.pss == 3370 * 1024 && nginx.uss == 1620 * 1024 && nginx.swap == 64 * 1024)
        #expect(nginx.cmdline == "nginx: worker process")
        #expect(nginx.cgroup == "/system.slice/nginx.service")
    }

    @Test func kernel2632HasSwapFromSmapsAndSkipsKthreadd() throws {
        let sweep = try Self.sweep("linux-2.6.32-vanilla")
        #expect(sweep.rows.map(\.pid) == [1523])
        #expect(sweep.withoutMemory == 1)
        let sshd = try #require(sweep.rows.first)
        #expect(sshd.user == "sshd" && sshd.swap == 8 * 1024, "smem's Swap is smaps' Swap; VmSwap is absent on 2.6.32")
        #expect(sshd.shr == 226 * 4096 && sshd.startTimeTicks == 1672)
    }

    @Test(arguments: [Errno.noSuchProcess, .noSuchFileOrDirectory])
    func aProcessVanishingMidSweepIsSkippedSilently(_ errno: Errno) throws {
        let sweep = try Self.sweep("linux-6.18-sandbox", failing: [
            "23342/smaps_rollup": errno, "23342/smaps": errno, "23345/status": errno,
        ])
        #expect(sweep.rows.map(\.pid) == [23341, 23344])
        #expect(sweep.vanished == 2)
        #expect(sweep.unreadable == 0 && sweep.unavailable.isEmpty)
    }

    /// ENOENT on smaps_rollup while smaps is there is a kernel before 4.14:
    /// the sums come from smaps from then on.
    @Test func missingRollupFallsBackToSummingSmaps() throws {
        let sweep = try Self.sweep("linux-6.18-sandbox", failing: ["smaps_rollup": .noSuchFileOrDirectory])
        #expect(sweep.rows.count == 4 && sweep.vanished == 0)
        let python = try #require(sweep.rows.first { $0.pid == 23342 })
        let pss = try #require(python.pss)
        #expect(pss <= 56511 * 1024 && pss > 55000 * 1024, "per-mapping truncation only lowers it")
        #expect(python.uss.map { $0 > 50 << 20 } == true)
    }

    @Test func permissionDeniedOnOneRollupLeavesItsPssNullAndCountsIt() throws {
        let sweep = try Self.sweep("linux-6.18-sandbox", failing: ["23342/smaps_rollup": .permissionDenied])
        #expect(sweep.rows.count == 4)
        #expect(sweep.unreadable == 1)
        #expect(sweep.unavailable.isEmpty, "permission denied is counted, not listed")
        let python = try #require(sweep.rows.first { $0.pid == 23342 })
        #expect(python.pss == nil && python.uss == nil)
        #expect(python.res == 60316 * 1024 && python.shr == 5620 * 1024, "status is still read")
        #expect(python.swap == 0, "VmSwap stands in when smaps_rollup is refused")
        for row in sweep.rows where row.pid != 23342 { #expect(row.pss != nil) }
    }

    @Test func detailsOfAProcessGoneSinceStayUnknown() throws {
        let sweep = try Self.sweep("linux-6.18-sandbox", failing: ["23341/stat": .noSuchProcess, "23341/cmdline": .noSuchProcess])
        let sleeper = try #require(sweep.rows.first { $0.pid == 23341 })
        #expect(sleeper.startTimeTicks == nil && sleeper.cmdline.isEmpty && sleeper.pss != nil)
        #expect(sweep.unavailable.isEmpty)
    }

    @Test func aBrokenFileIsListedAndTheOthersStillRead() throws {
        let sweep = try Self.sweep("linux-6.18-sandbox", failing: ["23341/stat": .ioError])
        #expect(sweep.rows.count == 4)
        #expect(sweep.unavailable.map(\.source) == ["/proc/23341/stat"])
        #expect(sweep.rows.first { $0.pid == 23341 }?.startTimeTicks == nil)
    }

    @Test func unknownUidShowsTheNumber() throws {
        let sweep = try Self.sweep("linux-6.18-sandbox", failing: ["etc/passwd": .noSuchFileOrDirectory])
        #expect(sweep.rows.allSatisfy { $0.user == "0" })
    }

    @Test(arguments: Fixtures.kernelNames)
    func kernelTreesWithoutProcessesSweepEmpty(_ kernel: String) throws {
        let sweep = try ProcessSweeper(root: Fixtures.kernel(kernel), pageSize: 4096).sweep()
        #expect(sweep.rows.isEmpty && sweep.unavailable.isEmpty)
    }

    @Test func unlistableProcIsAnError() {
        #expect(throws: ReadError.self) {
            try Self.sweep("linux-6.18-sandbox", failing: ["linux-6.18-sandbox/proc": .permissionDenied])
        }
    }
}

@Suite struct ProcessTableTests {
    static let rows: [ProcessRow] = [
        ProcessRow(pid: 1, user: "root", command: "init", virt: 100, res: 10, shr: 5, pss: 7, uss: 3, swap: 0, cgroup: "/"),
        ProcessRow(pid: 2, user: "www", command: "nginx", virt: 300, res: 30, shr: 20, pss: nil, uss: nil, swap: 9, cgroup: "/web"),
        ProcessRow(pid: 3, user: "www", command: "nginx", virt: 200, res: 30, shr: 10, pss: 25, uss: 20, swap: 1, cgroup: "/web"),
        ProcessRow(pid: 4, user: "root", command: "sleep", virt: 50, res: 2, shr: 1, pss: 1, uss: 1, swap: 0),
    ]

    static func table(sort: ProcessTable.SortKey = .rss, top: Int? = nil, by: ProcessTable.Grouping = .process) -> ProcessTable {
        var sweep = ProcessSweep()
        sweep.rows = rows
        sweep.unreadable = 1
        return ProcessTable(sweep: sweep, sort: sort, top: top, grouping: by)
    }

    @Test(arguments: [
        (ProcessTable.SortKey.rss, [Int32(2), 3, 1, 4]),  // tie on RES broken by pid
        (.pss, [3, 1, 4, 2]),                              // unknown PSS last
        (.uss, [3, 1, 4, 2]),
        (.swap, [2, 3, 1, 4]),
        (.vsz, [2, 3, 1, 4]),
    ])
    func sortsLargestFirst(_ key: ProcessTable.SortKey, _ order: [Int32]) {
        #expect(Self.table(sort: key).rows.map(\.pid) == order)
    }

    @Test func topCutsRowsButTotalsCoverEveryProcess() {
        let table = Self.table(sort: .pss, top: 2)
        #expect(table.rows.map(\.pid) == [3, 1])
        #expect(table.totals.processes == 4)
        #expect(table.totals.res == 72 && table.totals.pss == 33, "PSS sums the processes that have it")
        #expect(table.unreadable == 1)
    }

    @Test func groupsByUserCommandAndCgroup() {
        let byUser = Self.table(by: .user)
        #expect(byUser.groups.map(\.key) == ["www", "root"])
        #expect(byUser.groups[0].totals.processes == 2 && byUser.groups[0].totals.res == 60)
        #expect(byUser.groups[0].totals.pss == 25)
        let byCommand = Self.table(sort: .vsz, by: .command)
        #expect(byCommand.groups.map(\.key) == ["nginx", "init", "sleep"])
        let byCgroup = Self.table(by: .cgroup)
        #expect(byCgroup.groups.map(\.key) == ["/web", "/", "?"])
        #expect(Self.table(top: 1, by: .user).groups.count == 1)
    }

    @Test func totalsOfNothingAreUnknown() {
        let totals = ProcessTotals([ProcessRow(pid: 1, user: "u", command: "c")])
        #expect(totals.processes == 1 && totals.pss == nil && totals.res == nil)
    }
}
