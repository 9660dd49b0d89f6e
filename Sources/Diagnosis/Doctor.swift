import KernelFiles
import MemoryModel

/// The doctor's conclusion: every finding, worst first, the verdict and
/// exit code, and the figures the header and `check` show.
public struct DoctorReport: Sendable {
    public var findings: [Finding]
    /// nil: UNKNOWN (nothing about memory could be read).
    public var verdict: Severity?
    public var used: UsedMemory?
    public var host: HostFacts
    public var time: WallTime
    public var meminfo: Meminfo?
    public var account: MemoryAccount?
    public var unavailable: [Unavailable]
    /// How many samples the judgement used: 1, or more with history.
    public var samples: Int = 1
    /// When the oldest of them was taken (nil without history).
    public var historyStart: WallTime? = nil

    public var exitCode: Int32 { verdict?.exitCode ?? Severity.unknownExitCode }
    public var verdictName: String { verdict?.name ?? "UNKNOWN" }
}

/// Runs every rule over one input. Pure: the same input gives the same
/// report, live or replayed from history.
public enum Doctor {
    /// Dentry growth worth a WARNING (`slab.dentry.negative-growth`), as a
    /// share of MemTotal per hour: what `record --trace-on-growth` traces at.
    public static var dentryGrowthPercentPerHour: Double { DentryRules.growthPercentPerHour }

    /// Every rule, in no particular order (the report sorts by severity).
    /// Each id has exactly one entry in known-issues.json (tested).
    public static let rules: [Rule] = [
        MemoryUsedRules.memoryUsed, MemoryUsedRules.pageCacheHealthy,
        SlabRules.reclaimableRunaway, DentryRules.dominant, DentryRules.negative, DentryRules.negativeGrowth,
        NSSRule.rule, SlabRules.inodeBloat, SlabRules.unreclaimableGrowth,
        UsageRules.shmemLarge, GrowthRules.shmemGrowth, UsageRules.processLarge, GrowthRules.processGrowth,
        PressureRules.swapPressure, PressureRules.memoryPressure, PressureRules.overcommit,
        TopologyRules.fragmentation, TopologyRules.numaImbalance,
        KernelMemoryRules.hugePagesUnused, CgroupRule.dying, KernelMemoryRules.stacksAndPageTables,
        KernelMemoryRules.unaccounted,
    ]

    public static var ruleIDs: [String] { rules.map(\.id) }

    public static func diagnose(_ input: DiagnosisInput, knowledgeBase: KnowledgeBase,
                                thresholds: DoctorThresholds = DoctorThresholds(),
                                account: MemoryAccount? = nil) -> DoctorReport {
        let context = RuleContext(input: input, thresholds: thresholds)
        var findings: [Finding] = []
        var unavailable = input.snapshot.unavailable + input.unavailable
        for rule in rules {
            guard let issue = knowledgeBase[rule.id] else {
                // Tests prove this cannot happen with the embedded file; a
                // hand-edited one still gives a report, saying what is missing.
                unavailable.append(Unavailable(source: "knowledge base: \(rule.id)", reason: "no entry for this rule",
                                               remedy: "please report this: known-issues.json and the rules disagree"))
                continue
            }
            if let finding = rule.evaluate(context, issue) { findings.append(finding) }
        }
        findings = sorted(findings)
        let verdict: Severity? = input.snapshot.hasMemoryData ? (findings.map(\.severity).max() ?? .ok) : nil
        return DoctorReport(findings: findings, verdict: verdict, used: context.used, host: input.snapshot.host,
                            time: input.snapshot.time, meminfo: input.snapshot.meminfo, account: account ?? context.account,
                            unavailable: unavailable, samples: input.history.count + 1,
                            historyStart: input.history.first?.time)
    }

    /// Worst first; ties in rule order (stable), so output is deterministic.
    static func sorted(_ findings: [Finding]) -> [Finding] {
        let order = Dictionary(uniqueKeysWithValues: ruleIDs.enumerated().map { ($1, $0) })
        return findings.enumerated().sorted { a, b in
            if a.element.severity != b.element.severity { return a.element.severity > b.element.severity }
            return (order[a.element.ruleID] ?? a.offset) < (order[b.element.ruleID] ?? b.offset)
        }.map(\.element)
    }
}
