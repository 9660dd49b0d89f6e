import KernelFiles
import SystemPackage
import Testing
import TestSupport

@Suite struct CgroupFilesTests {
    static func fixture(_ name: String) -> ProcRoot { ProcRoot(Fixtures.directory + "/cgroups/" + name) }

    // MARK: fixtures

    @Test func readsTheV2FixtureFiles() throws {
        let root = Self.fixture("linux-5.15-ubuntu22-v2")
        let buffer = ReadBuffer()
        let dir = "sys/fs/cgroup/system.slice/docker-4f1c2a9e8b7d.scope"
        #expect(try root.cgroupValue(dir, "memory.current", buffer: buffer) == 528_482_304)
        #expect(try root.cgroupLimitV2(dir, "memory.max", buffer: buffer) == CgroupLimit(bytes: 536_870_912))
        #expect(try root.cgroupLimitV2(dir, "memory.high", buffer: buffer).isUnlimited)
        let stat = try root.cgroupMemoryStat(dir, buffer: buffer)
        #expect(stat.anon == 402_653_184)
        #expect(stat.slabReclaimable == 9_437_184)
        #expect(stat.slabUnreclaimable == 11_534_336)
        #expect(stat.slab == 9_437_184 + 11_534_336)
        #expect(stat.kernel == nil, "5.15 has no `kernel` line (5.18+): nil, never 0")
        #expect(stat.workingsetRefaultFile == 1813)
        #expect(stat.values.entries.count == 40, "every line is kept")
        let events = try root.cgroupMemoryEvents(dir, buffer: buffer)
        #expect(events.oomKill == 2)
        #expect(events.oomGroupKill == nil, "oom_group_kill is 5.17+")
        let cgroupStat = try root.cgroupStat("sys/fs/cgroup", buffer: buffer)
        #expect(cgroupStat.nrDescendants == 97)
        #expect(cgroupStat.nrDyingDescendants == 1536)
        #expect(try root.cgroupProcs(dir, buffer: buffer) == [48211, 48230])
        #expect(try root.cgroupProcs("sys/fs/cgroup", buffer: buffer) == [], "an empty cgroup.procs is no processes")
        let mounts = try root.mountinfo(buffer: buffer)
        #expect(mounts.cgroup2?.mountPoint == "/sys/fs/cgroup")
        #expect(mounts.cgroupV1Memory == nil)
    }

    @Test func readsTheV1FixtureFiles() throws {
        let root = Self.fixture("linux-3.10-rhel7-v1")
        let buffer = ReadBuffer()
        let dir = "sys/fs/cgroup/memory/system.slice/httpd.service"
        #expect(try root.cgroupValue(dir, "memory.usage_in_bytes", buffer: buffer) == 1_158_676_480)
        #expect(try root.cgroupValue(dir, "memory.failcnt", buffer: buffer) == 0)
        #expect(try root.cgroupLimitV1(dir, "memory.limit_in_bytes", buffer: buffer) == CgroupLimit(bytes: 2 << 30))
        #expect(try root.cgroupLimitV1("sys/fs/cgroup/memory", "memory.limit_in_bytes", buffer: buffer).isUnlimited,
                "3.10's res_counter prints LLONG_MAX")
        let stat = try root.cgroupMemoryStat(dir, buffer: buffer)
        #expect(stat.rss == 314_572_800)
        #expect(stat.totalCache == 838_860_800)
        #expect(stat.shmem == nil, "3.10 has no shmem line")
        #expect(CgroupMemoryStat.isEventCounter("total_pgfault"))
        #expect(!CgroupMemoryStat.isEventCounter("total_rss"))
        let slabinfo = try #require(try root.cgroupKmemSlabinfo(dir, buffer: buffer))
        #expect(slabinfo.caches.map(\.name).contains("dentry(2:httpd.service)"))
        #expect(try root.cgroupOomControl(dir, buffer: buffer).oomKill == nil, "oom_kill is 4.13+")
        let mounts = try root.mountinfo(buffer: buffer)
        #expect(mounts.cgroupV1Memory?.mountPoint == "/sys/fs/cgroup/memory")
        #expect(mounts.cgroup2 == nil)
        #expect(try root.procCgroups(buffer: buffer)["memory"]?.numCgroups == 7)
    }

    @Test func readsTheRealHybridCapture() throws {
        let root = Self.fixture("linux-6.18-sandbox-hybrid")
        let buffer = ReadBuffer()
        let mounts = try root.mountinfo(buffer: buffer)
        #expect(mounts.cgroup2?.mountPoint == "/sys/fs/cgroup/unified")
        #expect(mounts.cgroupV1Memory?.mountPoint == "/sys/fs/cgroup/memory")
        let dir = "sys/fs/cgroup/memory/memsleuth-capture/web.service"
        #expect(try root.cgroupKmemSlabinfo(dir, buffer: buffer) == nil, "5.9+ prints an empty memory.kmem.slabinfo")
        let stat = try root.cgroupMemoryStat(dir, buffer: buffer)
        #expect(stat.rss.map { $0 >= 48 << 20 } == true, "the captured child held 48 MiB of anon memory")
        #expect(try root.cgroupStat("sys/fs/cgroup/unified", buffer: buffer).nrDyingDescendants == 0)
    }

    /// No fixture kernel tree has cgroup files: reading them is ENOENT, which
    /// callers treat as "unavailable", never a crash.
    @Test(arguments: Fixtures.kernelNames)
    func aKernelTreeWithoutCgroupsIsENOENT(_ kernel: String) {
        do {
            _ = try Fixtures.kernel(kernel).cgroupMemoryStat("sys/fs/cgroup", buffer: ReadBuffer())
            Issue.record("expected ENOENT")
        } catch {
            guard case .read(let read) = error else { Issue.record("\(error)"); return }
            #expect(read.isNoData)
        }
    }

    // MARK: malformed

    @Test(arguments: ["memory.stat", "memory.events", "cgroup.stat", "mountinfo"])
    func everyMalformedCaseIsAParseErrorNamingFileAndLine(_ file: String) {
        let cases = Fixtures.malformed(file)
        #expect(cases.count >= 4)
        for (name, bytes) in cases {
            do {
                let path = "/sys/fs/cgroup/x/" + file
                switch file {
                case "mountinfo": _ = try parseBytes(bytes, path: path, Mountinfo.parse)
                case "memory.events": _ = try parseBytes(bytes, path: path, CgroupMemoryEvents.parse)
                case "cgroup.stat": _ = try parseBytes(bytes, path: path, CgroupStat.parse)
                default: _ = try parseBytes(bytes, path: path, CgroupMemoryStat.parse)
                }
                Issue.record("\(file)/\(name) parsed without error")
            } catch {
                #expect(error.path.hasSuffix(file), "\(name)")
                #expect(bytes.isEmpty || error.line != nil, "\(file)/\(name) names the line")
            }
        }
    }

    // MARK: inline edge cases

    @Test(arguments: [
        ("max\n", nil as UInt64?),       // v2 unlimited
        ("max", nil),                    // without newline
        ("0\n", 0),                      // a real, tiny limit: not unlimited
        ("536870912\n", 536_870_912),
    ])
    func v2Limits(_ text: String, _ bytes: UInt64?) throws {
        #expect(try parseText(text, CgroupLimit.parseV2) == CgroupLimit(bytes: bytes))
    }

    @Test(arguments: [
        ("9223372036854771712\n", nil as UInt64?),  // PAGE_COUNTER_MAX × 4 KiB (3.19+)
        ("9223372036854710272\n", nil),             // with 64 KiB pages
        ("9223372036854775807\n", nil),             // LLONG_MAX, res_counter (≤ 3.18)
        ("9223372036854513663\n", 9_223_372_036_854_513_663),  // just below the threshold: a limit
        ("268435456\n", 268_435_456),
    ])
    func v1Limits(_ text: String, _ bytes: UInt64?) throws {
        #expect(try parseText(text, CgroupLimit.parseV1) == CgroupLimit(bytes: bytes))
    }

    @Test(arguments: ["", "\n", "max\n", "12 34\n", "1\n2\n", "-1\n", "18446744073709551616\n"])
    func oneValueFilesRejectWhatIsNotOneNumber(_ text: String) {
        #expect(throws: ParseError.self) { try parseText(text, path: "/sys/fs/cgroup/memory.current", CgroupMemoryValue.parse) }
    }

    @Test func anEmptyKmemSlabinfoIsNilAndGarbageIsAnError() throws {
        #expect(try parseText("", CgroupKmemSlabinfo.parse) == nil)
        #expect(try parseText("\n", CgroupKmemSlabinfo.parse) == nil)
        #expect(throws: ParseError.self) { try parseText("dentry 1 2 3\n", CgroupKmemSlabinfo.parse) }
    }

    @Test func cgroupProcsRejectsNonPids() {
        #expect(throws: ParseError.self) { try parseText("12\nabc\n", CgroupProcs.parse) }
        #expect(throws: ParseError.self) { try parseText("0\n", CgroupProcs.parse) }
        #expect(throws: ParseError.self) { try parseText("4294967296\n", CgroupProcs.parse) }
    }

    @Test func mountinfoDecodesOctalEscapesAndOptionalFields() throws {
        let text = "41 31 0:38 / /sys/fs/cgroup/my\\040tree rw,relatime shared:9 master:2 - cgroup2 cgroup2 rw,nsdelegate\n"
            + "35 31 0:32 /docker/abc /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n"
        let mounts = try parseText(text, Mountinfo.parse)
        #expect(mounts.cgroup2?.mountPoint == "/sys/fs/cgroup/my tree")
        #expect(mounts.cgroup2?.superOptions == ["rw", "nsdelegate"])
        #expect(mounts.cgroupV1Memory?.root == "/docker/abc")
    }

    @Test func v1EventCountersAreCounts() throws {
        let stat = try parseText("cache 4096\npgpgin 12\ntotal_workingset_refault_file 3\nswap 0\n", CgroupMemoryStat.parse)
        #expect(stat.entriesWhere(eventCounter: true) == ["pgpgin", "total_workingset_refault_file"])
    }

    @Test func permissionDeniedIsAReadErrorNamingThePath() {
        let root = ProcRoot(Fixtures.directory + "/cgroups/linux-5.15-ubuntu22-v2",
                            io: FaultyIO.failing(["system.slice/memory.stat": .permissionDenied]))
        #expect(throws: SourceError.read(ReadError(path: root.path("sys/fs/cgroup/system.slice/memory.stat"), errno: .permissionDenied))) {
            try root.cgroupMemoryStat("sys/fs/cgroup/system.slice", buffer: ReadBuffer())
        }
    }
}

extension CgroupMemoryStat {
    fileprivate func entriesWhere(eventCounter: Bool) -> [String] {
        values.entries.map(\.name).filter { Self.isEventCounter($0) == eventCounter }
    }
}
