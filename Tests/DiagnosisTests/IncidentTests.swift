@testable import Diagnosis
import KernelFiles
import MemoryModel
import Testing
import TestSupport

/// PRODUCT.md's incident: 2.6.32 RHEL 6, SLAB slabinfo, no MemAvailable,
/// no nr_negative, a ~38 GB dentry cache, and a health-check script running
/// a curl that maps libnss3/libsoftokn3 without NSS_SDB_USE_CACHE.
@Suite struct IncidentTests {
    let kb: KnowledgeBase
    init() throws { kb = try KnowledgeBase.embedded() }

    @Test func reachesTheIncidentsConclusion() throws {
        let report = Doctor.diagnose(Inputs.incident(), knowledgeBase: kb)
        #expect(report.verdict == .critical)
        #expect(report.exitCode == 2)
        let ids = report.findings.map(\.ruleID)
        #expect(ids.contains("slab.dentry.dominant"))
        #expect(ids.contains("nss.sdb-probe"))
        #expect(!ids.contains("pagecache.healthy"))

        let nss = try #require(report.findings.first { $0.ruleID == "nss.sdb-probe" })
        #expect(nss.severity == .critical)
        #expect(nss.title.contains("/usr/local/bin/lb-healthcheck.sh"))
        #expect(nss.title.contains("curl"))
        #expect(nss.explanation.contains("/usr/local/bin/lb-healthcheck.sh"))
        // Both permanent remedies, the script named in the first, and the level-2 stop-gap.
        let export = try #require(nss.remedies.first { $0.command == "export NSS_SDB_USE_CACHE=yes" })
        #expect(export.permanent)
        #expect(export.summary.contains("/usr/local/bin/lb-healthcheck.sh"))
        #expect(nss.remedies.contains { $0.permanent && $0.summary.contains("nss 3.53.1") })
        let stopGap = try #require(nss.remedies.first { !$0.permanent })
        #expect(stopGap.command?.contains("echo 2 > /proc/sys/vm/drop_caches") == true)
        #expect(nss.references.contains { $0.contains("1779325") })
        #expect(nss.references.contains { $0.contains("RHSA-2020:4076") })
        #expect(nss.evidence.contains { $0.source == "/proc/48213/maps" && $0.text?.contains("libnss3.so") == true })
        #expect(nss.evidence.contains { $0.source == "/proc/48213/environ" && $0.text == "not set" })

        let dentry = try #require(report.findings.first { $0.ruleID == "slab.dentry.dominant" })
        #expect(dentry.severity == .critical)
        let size = try #require(dentry.evidence.first { $0.name == "dentry cache" }?.value)
        #expect(size > 36e9 && size < 41e9, "a dentry cache of ~38 GB")
        #expect(dentry.evidence.first { $0.name == "dentry cache" }?.source == "/proc/slabinfo")
    }

    @Test func bothUsedFiguresOnAKernelWithoutMemAvailable() throws {
        let report = Doctor.diagnose(Inputs.incident(), knowledgeBase: kb)
        let used = try #require(report.used)
        #expect(used.availableSource == .memFreeFallback)
        // PRODUCT.md's figures: MemTotal 65922868 kB, MemFree 9001452 kB.
        #expect(used.total == 65_922_868 * 1024)
        #expect(used.procpsUsed == (65_922_868 - 9_001_452) * 1024)
        #expect(used.withReclaimableSlab == (65_922_868 - 9_001_452 - (3_207_144 - 1044) - 412_336) * 1024)
        #expect(used.legacyAvailableEstimate != nil)
        let finding = try #require(report.findings.first { $0.ruleID == "memory.used" })
        #expect(finding.explanation.contains("no MemAvailable"))
    }

    @Test func negativeDentriesAreAnEstimateHereAndSaySo() throws {
        let report = Doctor.diagnose(Inputs.incident(), knowledgeBase: kb)
        let negative = try #require(report.findings.first { $0.ruleID == "slab.dentry.negative" })
        #expect(negative.severity == .warning, "an estimate alone never makes it CRITICAL")
        #expect(negative.evidence.first { $0.name == "nr_negative" }?.text == "estimate")
        #expect(negative.explanation.contains("estimate"))
    }

    @Test func withoutTheSuspectTheDentryFindingStillStands() {
        let report = Doctor.diagnose(Inputs.incident(suspects: []), knowledgeBase: kb)
        #expect(report.verdict == .critical)
        #expect(!report.findings.contains { $0.ruleID == "nss.sdb-probe" })
        #expect(report.findings.contains { $0.ruleID == "slab.dentry.dominant" })
    }

    @Test func nssSuspectWithoutDentryPressureIsOnlyInfo() throws {
        let input = DiagnosisInput(snapshot: Inputs.snapshot("linux-5.15-ubuntu22"), suspects: [Inputs.healthCheckCurl()])
        let report = Doctor.diagnose(input, knowledgeBase: kb)
        let nss = try #require(report.findings.first { $0.ruleID == "nss.sdb-probe" })
        #expect(nss.severity == .info)
        #expect(report.verdict == .info)
    }

    @Test func anUnreadableEnvironmentIsSaidNotGuessed() throws {
        let report = Doctor.diagnose(Inputs.incident(suspects: [Inputs.healthCheckCurl(environment: nil)]), knowledgeBase: kb)
        let nss = try #require(report.findings.first { $0.ruleID == "nss.sdb-probe" })
        #expect(nss.evidence.contains { $0.text == "unknown (environ unreadable)" })
        #expect(nss.explanation.contains("could not be read"))
    }

    @Test func aProcessNotMappingNSSIsNoSuspect() {
        var curl = Inputs.healthCheckCurl()
        curl.mappedLibraries = ["/usr/lib64/libssl.so.10", "/lib64/libc-2.12.so"]
        let report = Doctor.diagnose(Inputs.incident(suspects: [curl]), knowledgeBase: kb)
        #expect(!report.findings.contains { $0.ruleID == "nss.sdb-probe" })
    }

    @Test(arguments: [
        ("/bin/bash /usr/local/bin/lb-healthcheck.sh", "/usr/local/bin/lb-healthcheck.sh"),
        ("sh -x /opt/check.sh --fast", "/opt/check.sh"),
        ("/usr/local/bin/probe.sh", "/usr/local/bin/probe.sh"),
        ("/usr/bin/python3 /srv/health.py", "/srv/health.py"),
    ])
    func callingScriptFromTheParentChain(_ cmdline: String, _ script: String) {
        var curl = Inputs.healthCheckCurl()
        curl.ancestors = [.init(pid: 7, cmdline: "crond"), .init(pid: 9, cmdline: cmdline)]
        #expect(NSSRule.callingScript(curl)?.script == script)
    }

    @Test func noScriptWhenTheChainHasNone() {
        var curl = Inputs.healthCheckCurl()
        curl.ancestors = [.init(pid: 1, cmdline: "/sbin/init")]
        #expect(NSSRule.callingScript(curl) == nil)
    }
}

/// A host whose memory is mostly page cache must never alarm.
@Suite struct PageCacheHostTests {
    @Test(arguments: Fixtures.kernelNames.filter { $0 != Inputs.incidentKernel })
    func pageCacheHeavyHostHasNoWarning(_ kernel: String) throws {
        let snapshot = Inputs.snapshot(kernel)
        let total = try #require(snapshot.meminfo?.memTotal)
        func share(_ percent: UInt64) -> UInt64 { total / 100 * percent }
        // 2 % free, 88 % page cache, little slab; MemAvailable where the kernel has it.
        var changes: [String: UInt64?] = ["MemFree": share(2), "Cached": share(88), "Buffers": share(1), "Shmem": share(1),
                                         "SReclaimable": share(1), "SUnreclaim": share(1), "Slab": share(2),
                                         "Active(file)": share(40), "Inactive(file)": share(47),
                                         // The LRU lists hold the page cache: keep meminfo adding up.
                                         "Active": share(45), "Inactive": share(49), "Unevictable": 0]
        if snapshot.meminfo?.memAvailable != nil { changes["MemAvailable"] = share(86) }
        let report = Doctor.diagnose(DiagnosisInput(snapshot: snapshot.with(meminfo: changes)),
                                     knowledgeBase: try KnowledgeBase.embedded())
        #expect(report.findings.allSatisfy { $0.severity < .warning }, "\(report.findings.map { "\($0.ruleID) \($0.severity.name)" })")
        #expect(report.findings.contains { $0.ruleID == "pagecache.healthy" && $0.severity == .info })
        #expect(report.exitCode == 0)
    }

    /// Even without MemAvailable (procps then counts the page cache as used).
    @Test func pageCacheHeavyOldKernelHasNoWarning() throws {
        let snapshot = Inputs.snapshot(Inputs.incidentKernel)
        let total = try #require(snapshot.meminfo?.memTotal)
        let changes: [String: UInt64?] = ["MemFree": total / 50, "Cached": total / 100 * 88, "Slab": total / 50,
                                          "SReclaimable": total / 100, "SUnreclaim": total / 100, "AnonPages": total / 100 * 5,
                                          "Active": total / 100 * 45, "Inactive": total / 100 * 48]
        var modified = snapshot.with(meminfo: changes)
        modified.slab = nil  // the dentry storm is not on this host
        modified.dcache.dentries = nil
        let report = Doctor.diagnose(DiagnosisInput(snapshot: modified), knowledgeBase: try KnowledgeBase.embedded())
        #expect(report.findings.allSatisfy { $0.severity < .warning }, "\(report.findings.map { "\($0.ruleID) \($0.severity.name)" })")
        let used = try #require(report.used)
        #expect(used.procpsPercent > 90, "procps would say >90 % here")
        #expect(used.withReclaimableSlabPercent < 20)
    }
}

/// With history the same rules judge growth and forecast.
@Suite struct HistoryTests {
    let kb: KnowledgeBase
    init() throws { kb = try KnowledgeBase.embedded() }

    @Test func dentryGrowthIsForecast() throws {
        let report = Doctor.diagnose(RuleTests.incidentWithGrowth(), knowledgeBase: kb)
        let growth = try #require(report.findings.first { $0.ruleID == "slab.dentry.negative-growth" })
        #expect(growth.explanation.contains("reaches 90.0 % in"))
        #expect(growth.explanation.contains("this kernel does not count negative dentries"))
        let rate = try #require(growth.evidence.first?.value)
        // 2.4M slabs of 4 KiB per hour.
        #expect(abs(rate - 2_400_000 * 4096) < 1e6)
    }

    @Test func usedMemoryForecastWarnsBeforeTheThreshold() throws {
        let base = Inputs.snapshot("linux-5.15-ubuntu22")
        let total = try #require(base.meminfo?.memTotal)
        // Used (counting slab) 60 %, 65 %, 70 % an hour apart: 90 % in 4 hours.
        func at(_ hour: Int64, _ usedPercent: UInt64) -> Snapshot {
            let cached = base.meminfo?.cached ?? 0
            let shmem = base.meminfo?.shmem ?? 0
            let buffers = base.meminfo?.buffers ?? 0
            let free = total - total / 100 * usedPercent - (cached - shmem) - buffers
            return base.with(time: hour * 3600).with(meminfo: ["MemFree": free])
        }
        let input = DiagnosisInput(snapshot: at(2, 70), history: [at(0, 60), at(1, 65)])
        let report = Doctor.diagnose(input, knowledgeBase: kb)
        let used = try #require(report.findings.first { $0.ruleID == "memory.used" })
        #expect(used.severity == .warning)
        #expect(used.explanation.contains("reaches 90.0 % in 4 h."))
        // The same figures as one sample: below the threshold, nothing.
        let single = Doctor.diagnose(DiagnosisInput(snapshot: at(2, 70)), knowledgeBase: kb)
        #expect(!single.findings.contains { $0.ruleID == "memory.used" })
    }

    @Test func unreclaimableGrowthNamesTheGrowingCache() throws {
        let base = Inputs.snapshot("linux-5.15-ubuntu22")
        let total = try #require(base.meminfo?.memTotal)
        let sUnreclaim = base.meminfo?.sUnreclaim ?? 0
        let input = DiagnosisInput(
            snapshot: base.with(time: 7200).with(meminfo: ["SUnreclaim": sUnreclaim + total / 50]).with(cache: "kmalloc-64", numSlabs: 150_000),
            history: [base.with(time: 0)])
        let report = Doctor.diagnose(input, knowledgeBase: kb)
        let finding = try #require(report.findings.first { $0.ruleID == "slab.unreclaimable.growth" })
        #expect(finding.severity == .warning)
        #expect(finding.evidence.contains { $0.text == "kmalloc-64" })
        #expect(finding.explanation.contains("generic kmalloc cache"))
    }

    @Test func aCounterThatWentBackwardsGivesNoRate() {
        let base = Inputs.snapshot("linux-5.15-ubuntu22")
        let samples = [base.with(time: 0).with(vmstat: ["pswpin": 5000]), base.with(time: 60).with(vmstat: ["pswpin": 10])]
        #expect(counterRate(samples) { $0.vmstat?.vmstat.pswpinPages } == nil)
    }

    @Test func trendNeedsTwoTimes() {
        let base = Inputs.snapshot("linux-5.15-ubuntu22")
        #expect(Trend([base], { _ in 1 }) == nil)
        #expect(Trend([base.with(time: 5), base.with(time: 5)], { _ in 1 }) == nil)
        let trend = Trend([base.with(time: 0), base.with(time: 1800), base.with(time: 3600)]) { Double($0.time.seconds) }
        #expect(trend?.perHour == 3600)
        #expect(trend?.hoursUntil(3600 + 7200) == 2)
    }
}

/// The verdict when nothing could be read: UNKNOWN, exit 3.
@Suite struct UnknownVerdictTests {
    @Test func emptyRootIsUnknown() throws {
        let snapshot = SnapshotCollector(root: ProcRoot(Fixtures.directory + "/kernels/does-not-exist")).collect()
        let report = Doctor.diagnose(DiagnosisInput(snapshot: snapshot), knowledgeBase: try KnowledgeBase.embedded())
        #expect(report.verdict == nil)
        #expect(report.exitCode == 3)
        #expect(report.verdictName == "UNKNOWN")
    }

    @Test func aKnowledgeBaseWithoutAnEntryIsListedNotFatal() {
        let report = Doctor.diagnose(Inputs.incident(), knowledgeBase: KnowledgeBase(issues: []))
        #expect(report.findings.isEmpty)
        #expect(report.unavailable.contains { $0.source == "knowledge base: nss.sdb-probe" })
    }
}
