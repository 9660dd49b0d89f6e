import KernelFiles
import MemoryModel

/// Is the host short of memory right now: `memory.pressure` (PSI),
/// `swap.pressure` (swap traffic and fill), `overcommit`.
enum PressureRules {
    static let psiSource = "/proc/pressure/memory"

    static let memoryPressure = Rule(id: "memory.pressure") { context, issue in
        guard let pressure = context.snapshot.pressure else { return nil }
        // "full": nothing ran; any sustained share is serious. "some": at
        // least one task waited.
        var level: Severity?
        if let full = pressure.full, full.avg10 >= 10 || full.avg60 >= 5 { level = .critical }
        else if pressure.some.avg10 >= 10 || pressure.some.avg60 >= 5 || (pressure.full.map { $0.avg60 >= 1 } ?? false) { level = .warning }
        guard let level else { return nil }
        return issue.finding(
            level, title: "Tasks stalled on memory \(oneDecimal(pressure.some.avg10)) % of the last 10 s (some)",
            evidence: [
                .percent("some avg10", pressure.some.avg10, source: psiSource), .percent("some avg60", pressure.some.avg60, source: psiSource),
                .percent("full avg10", pressure.full?.avg10, source: psiSource), .percent("full avg60", pressure.full?.avg60, source: psiSource),
            ])
    }

    static let swapPressure = Rule(id: "swap.pressure") { context, issue in
        guard let meminfo = context.meminfo else { return nil }
        let pageSize = Double(context.snapshot.pageSizeBytes)
        let swapIn = counterRate(context.samples) { $0.vmstat?.vmstat.pswpinPages }
        let swapOut = counterRate(context.samples) { $0.vmstat?.vmstat.pswpoutPages }
        var level: Severity?
        // Pages per second: steady swap-in is thrashing; swap-out alone is the kernel making room.
        if let swapIn, swapIn >= 1000 { level = .critical }
        else if let swapIn, swapIn >= 100 { level = .warning }
        else if let swapOut, swapOut >= 1000 { level = .warning }
        var swapShare: Double?
        if let total = meminfo.swapTotal, total > 0, let free = meminfo.swapFree {
            swapShare = Double(total > free ? total - free : 0) / Double(total) * 100
            if let share = swapShare, share >= 80 { level = max(level ?? .warning, share >= 95 ? .critical : .warning) }
        }
        guard let level else { return nil }
        return issue.finding(
            level,
            title: swapIn.map { "Swapping in \(oneDecimal($0)) pages/s" } ?? "Swap \(oneDecimal(swapShare ?? 0)) % full",
            evidence: [
                Evidence(name: "pswpin rate", value: swapIn, unit: .countPerSecond, source: "derived: /proc/vmstat pswpin", text: "pages per second"),
                Evidence(name: "pswpout rate", value: swapOut, unit: .countPerSecond, source: "derived: /proc/vmstat pswpout", text: "pages per second"),
                Evidence(name: "swap-in bytes", value: swapIn.map { $0 * pageSize }, unit: .bytesPerSecond, source: "derived: /proc/vmstat pswpin"),
                .meminfo("SwapTotal", meminfo.swapTotal), .meminfo("SwapFree", meminfo.swapFree),
                .percent("swap used", swapShare, source: "derived: /proc/meminfo"),
            ])
    }

    static let overcommit = Rule(id: "overcommit") { context, issue in
        guard let meminfo = context.meminfo, let limit = meminfo["CommitLimit"], limit > 0,
              let committed = meminfo["Committed_AS"] else { return nil }
        let mode = context.snapshot.dcache.sysctls?.overcommitMemory
        let share = Double(committed) / Double(limit) * 100
        let level: Severity
        let modeText: String
        switch mode {
        case 2?:
            // Strict: allocations beyond CommitLimit fail.
            modeText = "2 (strict: allocations beyond CommitLimit fail)"
            guard let strict = severity(share, warn: 90, crit: 98) else { return nil }
            level = strict
        default:
            // Heuristic or always: not enforced; promises beyond RAM + swap are an OOM risk only.
            modeText = mode.map { $0 == 1 ? "1 (always overcommit)" : "\($0) (heuristic)" } ?? "unknown"
            guard share >= 150 else { return nil }
            level = .info
        }
        return issue.finding(
            level, title: "Committed_AS is \(oneDecimal(share)) % of CommitLimit (overcommit_memory \(mode.map(String.init) ?? "unknown"))",
            evidence: [
                .meminfo("Committed_AS", committed), .meminfo("CommitLimit", limit),
                .percent("Committed_AS share of CommitLimit", share, source: "derived: /proc/meminfo"),
                .count("overcommit_memory", mode, source: "/proc/sys/vm/overcommit_memory", text: modeText),
                .count("overcommit_ratio", context.snapshot.dcache.sysctls?.overcommitRatio, source: "/proc/sys/vm/overcommit_ratio"),
            ],
            detail: "Overcommit mode \(modeText).")
    }
}
