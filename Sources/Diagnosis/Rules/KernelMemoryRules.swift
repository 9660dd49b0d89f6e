import KernelFiles
import MemoryModel

/// Memory the kernel holds outside the caches: `kernel.stacks-pagetables`,
/// `hugepages.unused`, `memory.unaccounted`.
enum KernelMemoryRules {
    static let stacksAndPageTables = Rule(id: "kernel.stacks-pagetables") { context, issue in
        guard let meminfo = context.meminfo else { return nil }
        let stacks = meminfo["KernelStack"]
        let tables = meminfo["PageTables"]
        guard stacks != nil || tables != nil else { return nil }
        let sum = (stacks ?? 0) &+ (tables ?? 0)
        let share = context.percentOfTotal(sum)
        guard let level = severity(share, warn: 10, crit: 20), let share else { return nil }
        return issue.finding(
            level, title: "Kernel stacks and page tables hold \(oneDecimal(share)) % of RAM",
            evidence: [.meminfo("KernelStack", stacks), .meminfo("PageTables", tables),
                       .percent("share of MemTotal", share, source: "derived: /proc/meminfo")])
    }

    static let hugePagesUnused = Rule(id: "hugepages.unused") { context, issue in
        guard let meminfo = context.meminfo, let total = meminfo["HugePages_Total"], total > 0,
              let free = meminfo["HugePages_Free"], let size = meminfo["Hugepagesize"] else { return nil }
        let reserved = meminfo["HugePages_Rsvd"] ?? 0
        // Reserved pages are promised to a mapping already: not unused.
        let unusedPages = free > reserved ? free - reserved : 0
        let (bytes, overflow) = unusedPages.multipliedReportingOverflow(by: size)
        guard !overflow, let share = context.percentOfTotal(bytes), share >= 5 else { return nil }
        return issue.finding(
            share >= 20 ? .critical : .warning,
            title: "\(unusedPages) huge pages (\(humanBytes(bytes)), \(oneDecimal(share)) % of RAM) are reserved but unused",
            evidence: [
                .count("HugePages_Total", total, source: Evidence.meminfoSource),
                .count("HugePages_Free", free, source: Evidence.meminfoSource),
                .count("HugePages_Rsvd", reserved, source: Evidence.meminfoSource),
                .meminfo("Hugepagesize", size),
                .bytes("unused huge page memory", bytes, source: "derived: (HugePages_Free - HugePages_Rsvd) x Hugepagesize"),
            ])
    }

    static let unaccounted = Rule(id: "memory.unaccounted") { context, issue in
        guard let part = context.account.part("unaccounted"), let remainder = part.bytes,
              let share = context.percentOfTotal(remainder), share >= 10 else { return nil }
        var evidence: [Evidence] = [
            .bytes("unaccounted", remainder, source: part.source, text: part.note),
            .percent("share of MemTotal", share, source: "derived: /proc/meminfo"),
        ]
        if let meminfo = context.meminfo { evidence.append(.meminfo("VmallocUsed", meminfo["VmallocUsed"])) }
        return issue.finding(
            share >= 25 ? .critical : .warning,
            title: "\(humanBytes(remainder)) (\(oneDecimal(share)) % of RAM) is in no /proc/meminfo field",
            evidence: evidence)
    }
}
