@testable import Diagnosis
import KernelFiles
import MemoryModel
import Testing
import TestSupport

/// Every rule with an input that fires it and one that must not. Inputs
/// are fixture snapshots with hand-modified figures; the quiet host is the
/// 5.15 capture, which has no findings at all.
@Suite struct RuleTests {
    static let quietKernel = "linux-5.15-ubuntu22"
    static let gib = Inputs.gib

    let kb: KnowledgeBase
    init() throws { kb = try KnowledgeBase.embedded() }

    func run(_ id: String, _ input: DiagnosisInput, thresholds: DoctorThresholds = DoctorThresholds()) -> Finding? {
        guard let rule = Doctor.rules.first(where: { $0.id == id }), let issue = kb[id] else {
            Issue.record("no rule or entry \(id)")
            return nil
        }
        return rule.evaluate(Inputs.context(input, thresholds: thresholds), issue)
    }

    var quiet: Snapshot { Inputs.snapshot(Self.quietKernel) }
    var total: UInt64 { quiet.meminfo?.memTotal ?? 0 }

    /// `percent` of the quiet host's MemTotal, in bytes.
    func share(_ percent: Double) -> UInt64 { UInt64(Double(total) * percent / 100) }

    /// The table below covers every rule: adding a rule without a case fails here.
    @Test func everyRuleHasAFiringAndAQuietCase() {
        let covered = Set(cases.map(\.id))
        #expect(covered == Set(Doctor.ruleIDs))
    }

    @Test func quietHostHasNoFindings() {
        let report = Doctor.diagnose(DiagnosisInput(snapshot: quiet), knowledgeBase: kb)
        #expect(report.findings.isEmpty, "\(report.findings.map(\.ruleID))")
        #expect(report.verdict == .ok)
    }

    struct Case: Sendable {
        var id: String
        var fires: @Sendable (RuleTests) -> DiagnosisInput
        var expected: Severity
        var quiet: @Sendable (RuleTests) -> DiagnosisInput
    }

    var cases: [Case] { Self.table }

    static let table: [Case] = [
        Case(id: "memory.used",
             fires: { t in DiagnosisInput(snapshot: t.quiet.with(meminfo: ["MemFree": t.share(5), "Cached": t.share(3), "Buffers": 0])) },
             expected: .critical, quiet: { t in DiagnosisInput(snapshot: t.quiet) }),
        Case(id: "pagecache.healthy",
             fires: { t in DiagnosisInput(snapshot: t.quiet.with(meminfo: ["MemFree": t.share(3), "Cached": t.share(85), "MemAvailable": t.share(88)])) },
             expected: .info, quiet: { t in DiagnosisInput(snapshot: t.quiet) }),
        Case(id: "slab.reclaimable.runaway", fires: { _ in Inputs.incident() }, expected: .critical,
             quiet: { t in DiagnosisInput(snapshot: t.quiet) }),
        Case(id: "slab.dentry.dominant", fires: { _ in Inputs.incident() }, expected: .critical,
             quiet: { t in DiagnosisInput(snapshot: t.quiet) }),
        Case(id: "slab.dentry.negative",
             fires: { t in DiagnosisInput(snapshot: t.quiet.with(dentries: DentryState(
                 nrDentry: 100_000_000, nrUnused: 99_000_000, ageLimit: 45, wantPages: 0, nrNegative: 90_000_000, nrNegativeNote: nil))) },
             expected: .critical, quiet: { t in DiagnosisInput(snapshot: t.quiet) }),
        Case(id: "slab.dentry.negative-growth", fires: { _ in RuleTests.incidentWithGrowth() }, expected: .critical,
             quiet: { _ in Inputs.incident() }),
        Case(id: "nss.sdb-probe", fires: { _ in Inputs.incident() }, expected: .critical,
             quiet: { _ in Inputs.incident(suspects: [Inputs.healthCheckCurl(environment: ["NSS_SDB_USE_CACHE": "yes"])]) }),
        Case(id: "slab.inode.bloat",
             fires: { t in DiagnosisInput(snapshot: t.quiet.with(cache: "ext4_inode_cache", numSlabs: t.share(15) / (8 * 4096))) },
             expected: .warning, quiet: { t in DiagnosisInput(snapshot: t.quiet) }),
        Case(id: "slab.unreclaimable.growth",
             fires: { t in DiagnosisInput(snapshot: t.quiet.with(meminfo: ["SUnreclaim": t.share(12)])) },
             expected: .warning, quiet: { t in DiagnosisInput(snapshot: t.quiet) }),
        Case(id: "shmem.large",
             fires: { t in DiagnosisInput(snapshot: t.quiet.with(meminfo: ["Shmem": t.share(20)]),
                                          tmpfs: [TmpfsMount(mountPoint: "/dev/shm", usedBytes: t.share(19), sizeBytes: t.share(50)),
                                                  TmpfsMount(mountPoint: "/run", usedBytes: 1 << 20, sizeBytes: 1 << 30)]) },
             expected: .warning, quiet: { t in DiagnosisInput(snapshot: t.quiet) }),
        Case(id: "process.large",
             fires: { t in DiagnosisInput(snapshot: t.quiet, processes: RuleTests.sweep(res: t.share(40))) },
             expected: .warning, quiet: { t in DiagnosisInput(snapshot: t.quiet, processes: RuleTests.sweep(res: t.share(5))) }),
        Case(id: "swap.pressure",
             fires: { t in DiagnosisInput(snapshot: t.quiet.with(time: 1060).with(vmstat: ["pswpin": 30_000, "pswpout": 40_000]),
                                          history: [t.quiet.with(time: 1000).with(vmstat: ["pswpin": 0, "pswpout": 0])]) },
             expected: .warning,
             quiet: { t in DiagnosisInput(snapshot: t.quiet.with(time: 1060).with(vmstat: ["pswpin": 10, "pswpout": 10]),
                                          history: [t.quiet.with(time: 1000).with(vmstat: ["pswpin": 0, "pswpout": 0])]) }),
        Case(id: "memory.pressure",
             fires: { t in
                 var snapshot = t.quiet
                 snapshot.pressure = Pressure(some: .init(avg10: 20, avg60: 8, avg300: 2, totalMicroseconds: 1),
                                              full: .init(avg10: 1, avg60: 0.5, avg300: 0, totalMicroseconds: 1))
                 return DiagnosisInput(snapshot: snapshot)
             },
             expected: .warning, quiet: { _ in Inputs.input("linux-6.18-sandbox") }),
        Case(id: "overcommit",
             fires: { t in
                 var snapshot = t.quiet.with(meminfo: ["CommitLimit": t.share(60), "Committed_AS": t.share(58)])
                 snapshot.dcache.sysctls?.overcommitMemory = 2
                 return DiagnosisInput(snapshot: snapshot)
             },
             expected: .warning,
             quiet: { t in DiagnosisInput(snapshot: t.quiet.with(meminfo: ["CommitLimit": t.share(60), "Committed_AS": t.share(58)])) }),
        Case(id: "fragmentation.high-order",
             fires: { t in
                 var snapshot = t.quiet
                 snapshot.buddy?.buddyinfo = Buddyinfo(zones: [
                     .init(node: 0, zone: "DMA", freeBlocks: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 3]),
                     .init(node: 0, zone: "Normal", freeBlocks: [90_000, 2_000, 10, 1, 0, 0, 0, 0, 0, 0, 0]),
                 ])
                 return DiagnosisInput(snapshot: snapshot)
             },
             expected: .warning, quiet: { t in DiagnosisInput(snapshot: t.quiet) }),
        Case(id: "numa.imbalance",
             fires: { _ in
                 var snapshot = Inputs.snapshot("linux-3.10-rhel7")
                 snapshot.numa.nodes = snapshot.numa.nodes.map { node in
                     // Node 0 down to 1 GiB free of 63, node 1 with 30 GiB free.
                     guard let meminfo = node.meminfo else { return node }
                     let free: UInt64 = node.node == 0 ? 1 << 30 : 30 << 30
                     let fields = meminfo.fields.map { field in
                         field.name == "MemFree" ? Meminfo.Field(name: "MemFree", value: free, isBytes: true) : field
                     }
                     return NumaTable.NodeInput(node: node.node, meminfo: Meminfo(fields: fields), numastat: node.numastat)
                 }
                 return DiagnosisInput(snapshot: snapshot)
             },
             expected: .warning, quiet: { _ in Inputs.input("linux-3.10-rhel7") }),
        Case(id: "hugepages.unused",
             fires: { t in DiagnosisInput(snapshot: t.quiet.with(meminfo: [
                 "HugePages_Total": 4096, "HugePages_Free": 4096, "HugePages_Rsvd": 0, "Hugepagesize": 2 << 20])) },
             expected: .critical,
             quiet: { t in DiagnosisInput(snapshot: t.quiet.with(meminfo: [
                 "HugePages_Total": 4096, "HugePages_Free": 0, "HugePages_Rsvd": 0, "Hugepagesize": 2 << 20])) }),
        Case(id: "cgroup.dying",
             fires: { t in DiagnosisInput(snapshot: t.quiet, cgroups: CgroupTree(
                 version: .v2, cgroups: [], totalCount: 80, dyingCgroups: 5000, unavailable: [])) },
             expected: .warning,
             quiet: { t in DiagnosisInput(snapshot: t.quiet, cgroups: CgroupTree(
                 version: .v2, cgroups: [], totalCount: 80, dyingCgroups: 12, unavailable: [])) }),
        Case(id: "process.growth", fires: { t in t.growingProcess(gibPerHour: 1) }, expected: .warning,
             quiet: { t in t.growingProcess(gibPerHour: 0) }),
        Case(id: "shmem.growth", fires: { t in t.growingShmem(percentPerHour: 2) }, expected: .warning,
             quiet: { t in t.growingShmem(percentPerHour: 0) }),
        Case(id: "kernel.stacks-pagetables",
             fires: { t in DiagnosisInput(snapshot: t.quiet.with(meminfo: ["PageTables": t.share(12)])) },
             expected: .warning, quiet: { t in DiagnosisInput(snapshot: t.quiet) }),
        Case(id: "memory.unaccounted",
             // 12 % of RAM leaves MemFree and shows up in no other field: the
             // account's remainder grows by exactly that.
             fires: { t in
                 DiagnosisInput(snapshot: t.quiet.with(meminfo: ["MemFree": (t.quiet.meminfo?.memFree ?? 0) - t.share(12)]))
             },
             expected: .warning, quiet: { t in DiagnosisInput(snapshot: t.quiet) }),
    ]

    @Test(arguments: RuleTests.table.map(\.id))
    func fires(_ id: String) throws {
        let testCase = try #require(cases.first { $0.id == id })
        let finding = run(id, testCase.fires(self))
        #expect(finding?.severity == testCase.expected, "\(id): \(String(describing: finding?.title))")
        #expect(finding?.ruleID == id)
        for evidence in finding?.evidence ?? [] { #expect(!evidence.source.isEmpty) }
    }

    @Test(arguments: RuleTests.table.map(\.id))
    func staysQuiet(_ id: String) throws {
        let testCase = try #require(cases.first { $0.id == id })
        let finding = run(id, testCase.quiet(self))
        #expect(finding == nil, "\(id): \(String(describing: finding?.title))")
    }

    // MARK: inputs

    /// Twelve samples ten minutes apart; pid 4242 (started at tick 500)
    /// grows by `gibPerHour` from 1 GiB.
    func growingProcess(gibPerHour: Double, start: UInt64 = 500, span: Int64 = 600) -> DiagnosisInput {
        let samples = (0..<12).map { step -> Snapshot in
            var sweep = ProcessSweep()
            let res = UInt64(1 << 30) + UInt64(gibPerHour * Double(1 << 30) * Double(Int64(step) * span) / 3600)
            sweep.rows = [
                ProcessRow(pid: 1, user: "root", command: "systemd", res: 12 << 20, startTimeTicks: 1),
                ProcessRow(pid: 4242, user: "app", command: "leaky", cmdline: "/usr/bin/leaky --serve", res: res,
                           startTimeTicks: start),
            ]
            var snapshot = quiet.with(time: Int64(step) * span)
            snapshot.processes = sweep
            return snapshot
        }
        return DiagnosisInput(snapshot: samples[11], history: Array(samples[0..<11]), processes: samples[11].processes)
    }

    /// Twelve samples ten minutes apart; Shmem grows by `percentPerHour` of MemTotal.
    func growingShmem(percentPerHour: Double) -> DiagnosisInput {
        let samples = (0..<12).map { step -> Snapshot in
            quiet.with(time: Int64(step) * 600)
                .with(meminfo: ["Shmem": share(1) + UInt64(Double(share(percentPerHour)) * Double(step) / 6)])
        }
        return DiagnosisInput(snapshot: samples[11], history: Array(samples[0..<11]),
                              tmpfs: [TmpfsMount(mountPoint: "/dev/shm", usedBytes: share(3), sizeBytes: share(50))])
    }

    static func sweep(res: UInt64) -> ProcessSweep {
        var sweep = ProcessSweep()
        sweep.rows = [
            ProcessRow(pid: 1, user: "root", command: "systemd", res: 12 << 20),
            ProcessRow(pid: 4242, user: "postgres", command: "postgres", cmdline: "postgres: checkpointer", res: res),
        ]
        return sweep
    }

    /// The incident host two hours earlier with a smaller dentry cache: the
    /// dentry cache grows ~9 GiB per hour (slabs of one 4 KiB page).
    static func incidentWithGrowth() -> DiagnosisInput {
        let now = Inputs.snapshot(Inputs.incidentKernel)
        let dentrySlabs = now.slabCache("dentry").map { $0.bytes / 4096 } ?? 0
        return DiagnosisInput(
            snapshot: now.with(time: 7200),
            history: [now.with(time: 0).with(cache: "dentry", numSlabs: dentrySlabs - 2 * 2_400_000),
                      now.with(time: 3600).with(cache: "dentry", numSlabs: dentrySlabs - 2_400_000)],
            suspects: [Inputs.healthCheckCurl()])
    }
}
