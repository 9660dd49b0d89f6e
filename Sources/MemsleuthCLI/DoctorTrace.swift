#if canImport(Glibc)
import Glibc
#endif
import Diagnosis
import KernelFiles
import MemoryModel
import SlabTrace

/// `doctor --trace DURATION`: when the doctor finds a slab cache that grows
/// (or dominates), trace who allocates it and add that to the finding's
/// evidence ("92 % of new dentry objects come from `curl` …").
enum DoctorTrace {
    typealias Tracer = (_ cache: String, _ seconds: Double) throws(CommandFailure) -> SlabTraceSession.Outcome

    /// Slab findings in the order an attribution is placed: one about a
    /// named cache's growth first, then a named cache, then any slab
    /// growth, then any slab finding.
    static var preferences: [(String) -> Bool] {
        func named(_ id: String) -> Bool { id.hasPrefix("slab.dentry.") || id.hasPrefix("slab.inode.") }
        return [
            { named($0) && $0.contains("growth") }, named,
            { $0.hasPrefix("slab.") && $0.contains("growth") }, { $0.hasPrefix("slab.") },
        ]
    }

    /// The finding to attribute (see `preferences`).
    static func target(_ findings: [Finding]) -> Int? {
        for preferred in preferences {
            if let index = findings.firstIndex(where: { preferred($0.ruleID) }) { return index }
        }
        return nil
    }

    /// The finding an attribution of `cache` belongs to: the first, in the
    /// order of `preferences`, that is about that cache.
    static func target(_ findings: [Finding], cache: String, largest: () -> String?) -> Int? {
        for preferred in preferences {
            if let index = findings.firstIndex(where: { preferred($0.ruleID) && self.cache(for: $0.ruleID, largest: largest) == cache }) {
                return index
            }
        }
        return nil
    }

    /// The cache a slab finding is about: named in its rule id, else the
    /// largest cache in /proc/slabinfo.
    static func cache(for ruleID: String, root: ProcRoot) -> String? {
        cache(for: ruleID) { largestCache(root: root) }
    }

    static func largestCache(root: ProcRoot) -> String? {
        let slabinfo = try? root.slabinfo(buffer: ReadBuffer())
        // Page size 1: the order is the same for every page size.
        return slabinfo.flatMap { SlabTable.largest($0.caches, pageSize: 1)?.name }
    }

    /// The same with the largest cache told (a stored sample's).
    static func cache(for ruleID: String, largest: () -> String?) -> String? {
        if ruleID.hasPrefix("slab.dentry.") { return "dentry" }
        if ruleID.hasPrefix("slab.inode.") { return "inode_cache" }
        return largest()
    }

    /// Adds the attribution to the target finding; says on stderr why it was skipped when it was.
    static func attach(to report: inout DoctorReport, seconds: Double, global: GlobalRequest, context: CommandContext,
                       isRoot: Bool = geteuid() == 0, root: ProcRoot = ProcRoot(), tracer: Tracer? = nil) {
        guard global.bundle == nil, global.root == "/" else {
            context.err.write("memsleuth: --trace skipped: tracing watches the live kernel, not --root or --bundle\n")
            return
        }
        guard let index = target(report.findings) else {
            context.err.write("memsleuth: --trace: no growing slab cache found, nothing traced\n")
            return
        }
        guard isRoot else {
            context.err.write("memsleuth: --trace skipped: tracing slab allocations needs root (run with sudo)\n")
            return
        }
        guard let cache = cache(for: report.findings[index].ruleID, root: root) else {
            context.err.write("memsleuth: --trace skipped: cannot tell which slab cache \(report.findings[index].ruleID) is about\n")
            return
        }
        let outcome: SlabTraceSession.Outcome
        do {
            if let tracer {
                outcome = try tracer(cache, seconds)
            } else {
                context.catchInterrupts()
                outcome = try TraceSlabRequest.trace(cache: cache, seconds: seconds, context: context)
            }
        } catch {
            context.err.write("memsleuth: --trace skipped: \(error.message)\n")
            return
        }
        report.findings[index].evidence += evidence(outcome)
    }

    static func evidence(_ outcome: SlabTraceSession.Outcome) -> [Evidence] {
        evidence(Summary(outcome.report))
    }

    /// What the evidence says of a trace: the live report's, or a stored one's.
    struct Summary: Equatable {
        struct Top: Equatable {
            var command: String
            var kept: Double
            var shareOfGrowth: Double?
            var startsPerSecond: Double?
        }
        var cache: String
        var durationSeconds: Double
        var headline: String?
        var top: Top?
        var lostEvents: Double

        init(_ report: SlabAttributionReport) {
            cache = report.cache
            durationSeconds = report.durationSeconds
            headline = report.headline
            top = report.groups.first.map {
                Top(command: $0.command, kept: Double($0.kept), shareOfGrowth: $0.shareOfGrowth, startsPerSecond: $0.startsPerSecond)
            }
            lostEvents = Double(report.lostEvents)
        }

        /// From the JSON document `trace slab --json` prints (as the store keeps it).
        init?(json text: String) {
            guard let document = try? JSONParser.parse(text), let cache = document.member("cache")?.stringValue else { return nil }
            func number(_ node: JSONNode?) -> Double? {
                if case .number(let value)? = node { return value }
                return nil
            }
            self.cache = cache
            durationSeconds = number(document.member("duration_seconds")) ?? 0
            headline = document.member("headline")?.stringValue
            top = document.member("groups")?.arrayValue?.first.flatMap { group in
                group.member("command")?.stringValue.map {
                    Top(command: $0, kept: number(group.member("kept")) ?? 0, shareOfGrowth: number(group.member("share_of_growth")),
                        startsPerSecond: number(group.member("starts_per_second")))
                }
            }
            lostEvents = number(document.member("lost_events")) ?? 0
        }
    }

    /// `recordedAt`: when `record --trace-on-growth` traced it (nil: traced now).
    static func evidence(_ summary: Summary, recordedAt: WallTime? = nil) -> [Evidence] {
        var source = "tracefs kmem:kmem_cache_alloc/kmem_cache_free + sched:sched_process_* over \(Int(summary.durationSeconds.rounded())) s (memsleuth trace slab --cache \(summary.cache))"
        if let recordedAt { source = "recorded by memsleuth record --trace-on-growth at \(recordedAt.rfc3339): " + source }
        guard let top = summary.top, let headline = summary.headline else {
            return [Evidence(name: "attribution", value: nil, unit: .text, source: source,
                             text: "no process kept \(summary.cache) objects during the trace")]
        }
        var evidence = [
            Evidence(name: "attribution", value: nil, unit: .text, source: source, text: headline),
            Evidence(name: "\(summary.cache) objects kept by `\(top.command)`", value: top.kept, unit: .count, source: source),
            Evidence(name: "share of \(summary.cache) growth from `\(top.command)`", value: top.shareOfGrowth.map { $0 * 100 },
                     unit: .percent, source: source),
        ]
        if let starts = top.startsPerSecond {
            evidence.append(Evidence(name: "`\(top.command)` starts", value: starts, unit: .countPerSecond, source: source))
        }
        if summary.lostEvents > 0 {
            evidence.append(Evidence(name: "trace events lost", value: summary.lostEvents, unit: .count, source: source,
                                     text: "counts are low"))
        }
        return evidence
    }

    /// Attributions `record --trace-on-growth` stored (the caller picks those
    /// of the hour before the judged moment): each goes beside the finding
    /// about its cache, placed as `--trace` places a live one; an
    /// attribution whose cache no finding is about is not shown.
    static func attach(_ recorded: RecordedAttributions, to report: inout DoctorReport, root: ProcRoot?) {
        var largestRead = false
        var largestName: String?
        let largest: () -> String? = {
            if let told = recorded.largestCache { return told }
            if !largestRead, let root {
                largestRead = true
                largestName = largestCache(root: root)
            }
            return largestName
        }
        for attribution in recorded.attributions {
            guard let summary = Summary(json: attribution.report),
                  let index = target(report.findings, cache: attribution.cache, largest: largest) else { continue }
            report.findings[index].evidence += evidence(summary, recordedAt: attribution.traced)
        }
    }
}

/// Slab attributions `record --trace-on-growth` stored, for `doctor --db`.
public struct RecordedAttributions: Sendable, Equatable {
    public struct Attribution: Sendable, Equatable {
        public var cache: String
        /// When the trace ended.
        public var traced: WallTime
        /// The trace's report, as `trace slab --json` prints it.
        public var report: String

        public init(cache: String, traced: WallTime, report: String) {
            self.cache = cache
            self.traced = traced
            self.report = report
        }
    }

    public var attributions: [Attribution]
    /// The judged sample's largest slab cache (what a finding that names no
    /// cache is about); nil: read it from the host judged.
    public var largestCache: String?

    public init(_ attributions: [Attribution], largestCache: String? = nil) {
        self.attributions = attributions
        self.largestCache = largestCache
    }
}
