#if canImport(Glibc)
import Glibc
#endif
import Diagnosis
import KernelFiles
import SlabTrace

/// `doctor --trace DURATION`: when the doctor finds a slab cache that grows
/// (or dominates), trace who allocates it and add that to the finding's
/// evidence ("92 % of new dentry objects come from `curl` …").
enum DoctorTrace {
    typealias Tracer = (_ cache: String, _ seconds: Double) throws(CommandFailure) -> SlabTraceSession.Outcome

    /// The finding to attribute: one about a named cache's growth first,
    /// then a named cache, then any slab growth, then any slab finding.
    static func target(_ findings: [Finding]) -> Int? {
        func named(_ id: String) -> Bool { id.hasPrefix("slab.dentry.") || id.hasPrefix("slab.inode.") }
        let preferences: [(String) -> Bool] = [
            { named($0) && $0.contains("growth") }, named,
            { $0.hasPrefix("slab.") && $0.contains("growth") }, { $0.hasPrefix("slab.") },
        ]
        for preferred in preferences {
            if let index = findings.firstIndex(where: { preferred($0.ruleID) }) { return index }
        }
        return nil
    }

    /// The cache a slab finding is about: named in its rule id, else the
    /// largest cache in /proc/slabinfo.
    static func cache(for ruleID: String, root: ProcRoot) -> String? {
        if ruleID.hasPrefix("slab.dentry.") { return "dentry" }
        if ruleID.hasPrefix("slab.inode.") { return "inode_cache" }
        let slabinfo = try? root.slabinfo(buffer: ReadBuffer())
        return slabinfo?.caches.max { $0.numSlabs * $0.pagesPerSlab < $1.numSlabs * $1.pagesPerSlab }?.name
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
        let report = outcome.report
        let source = "tracefs kmem:kmem_cache_alloc/kmem_cache_free + sched:sched_process_* over \(Int(report.durationSeconds.rounded())) s (memsleuth trace slab --cache \(report.cache))"
        guard let top = report.groups.first, let headline = report.headline else {
            return [Evidence(name: "attribution", value: nil, unit: .text, source: source,
                             text: "no process kept \(report.cache) objects during the trace")]
        }
        var evidence = [
            Evidence(name: "attribution", value: nil, unit: .text, source: source, text: headline),
            Evidence(name: "\(report.cache) objects kept by `\(top.command)`", value: Double(top.kept), unit: .count, source: source),
            Evidence(name: "share of \(report.cache) growth from `\(top.command)`", value: top.shareOfGrowth.map { $0 * 100 },
                     unit: .percent, source: source),
        ]
        if let starts = top.startsPerSecond {
            evidence.append(Evidence(name: "`\(top.command)` starts", value: starts, unit: .countPerSecond, source: source))
        }
        if report.lostEvents > 0 {
            evidence.append(Evidence(name: "trace events lost", value: Double(report.lostEvents), unit: .count, source: source,
                                     text: "counts are low"))
        }
        return evidence
    }
}
