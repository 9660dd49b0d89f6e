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
        guard let meminfo = context.meminfo, let remainder = UnaccountedMemory.remainder(meminfo),
              let share = context.percentOfTotal(remainder), share >= 10 else { return nil }
        return issue.finding(
            share >= 25 ? .critical : .warning,
            title: "\(humanBytes(remainder)) (\(oneDecimal(share)) % of RAM) is in no /proc/meminfo field",
            evidence: [.bytes("unaccounted", remainder, source: "derived: /proc/meminfo", text: UnaccountedMemory.formula),
                       .percent("share of MemTotal", share, source: "derived: /proc/meminfo"),
                       .meminfo("VmallocUsed", meminfo["VmallocUsed"])])
    }
}

/// The part of MemTotal no /proc/meminfo field accounts for. Computed here
/// in one function until `MemoryAccount` (the accounting view) is merged;
/// then its "unaccounted" part should replace this.
enum UnaccountedMemory {
    static let formula = "MemTotal - MemFree - Active - Inactive - Unevictable - Slab - KernelStack - PageTables - Percpu - VmallocUsed - Hugetlb"

    /// The LRU lists (Active, Inactive, Unevictable) hold every page-cache,
    /// Buffers, Shmem and anonymous page, so those are not added again.
    /// Hugetlb (4.16+) or HugePages_Total x Hugepagesize. VmallocUsed counts
    /// ioremap areas on old kernels and is 0 in 4.1–5.2, so the remainder is
    /// clamped at 0. nil without MemTotal, MemFree and the LRU lists.
    static func remainder(_ meminfo: Meminfo) -> UInt64? {
        guard let total = meminfo.memTotal, let free = meminfo.memFree, let active = meminfo["Active"],
              let inactive = meminfo["Inactive"] else { return nil }
        var hugetlb = meminfo["Hugetlb"]
        if hugetlb == nil, let pages = meminfo["HugePages_Total"], let size = meminfo["Hugepagesize"] {
            let (bytes, overflow) = pages.multipliedReportingOverflow(by: size)
            hugetlb = overflow ? nil : bytes
        }
        let parts: [UInt64?] = [free, active, inactive, meminfo["Unevictable"], meminfo.slab, meminfo["KernelStack"],
                                meminfo["PageTables"], meminfo["Percpu"], meminfo["VmallocUsed"], hugetlb]
        var accounted: UInt64 = 0
        for part in parts {
            let (sum, overflow) = accounted.addingReportingOverflow(part ?? 0)
            guard !overflow else { return nil }
            accounted = sum
        }
        return accounted < total ? total - accounted : 0
    }
}
