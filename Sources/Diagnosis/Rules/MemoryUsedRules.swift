import KernelFiles
import MemoryModel

/// `memory.used` and `pagecache.healthy`: how full the host is, by both
/// "used" figures, and the reassurance that a large page cache is fine.
enum MemoryUsedRules {
    /// Forecasts further out than this do not raise a WARNING on their own.
    static let forecastHorizonHours = 24.0

    static let memoryUsed = Rule(id: "memory.used") { context, issue in
        guard let used = context.used else { return nil }
        let thresholds = context.thresholds
        let percent = used.withReclaimableSlabPercent
        let trend = Trend(context.samples) { snapshot in
            snapshot.meminfo.flatMap { UsedMemory($0, minFreeBytes: nil) }?.withReclaimableSlabPercent
        }
        var level = severity(percent, warn: thresholds.warnPercent, crit: thresholds.critPercent)
        var forecast: String?
        if let trend, trend.isEstablished, let hours = trend.hoursUntil(thresholds.critPercent), hours > 0 {
            forecast = "At the present rate (\(oneDecimal(trend.perHour)) points per hour over \(trend.sampleCount) samples) used memory reaches \(oneDecimal(thresholds.critPercent)) % in \(humanHoursRange(hours, trend.hoursRange(until: thresholds.critPercent)))."
            if level == nil, hours <= forecastHorizonHours { level = .warning }
        }
        guard let level else { return nil }
        var evidence = usedEvidence(used)
        if let trend {
            evidence.append(Evidence(name: "used growth", value: trend.perHour, unit: .percent, source: "derived: \(trend.sampleCount) samples",
                                     text: "percentage points per hour"))
        }
        var detail = usedDetail(used) + (forecast.map { " " + $0 } ?? "")
        if let trend, trend.isEstablished, let part = fastestGrowingPart(context.samples) {
            evidence.append(.bytes("growing most: \(part.name)", clampedBytes(part.trend.perHour),
                                   source: "derived: /proc/meminfo, \(part.trend.sampleCount) samples", text: "bytes per hour"))
            detail += " Most of the growth is \(part.name) (\(humanBytes(clampedBytes(part.trend.perHour))) per hour): "
                + part.meaning + "."
        }
        return issue.finding(
            level,
            title: "Memory \(oneDecimal(percent)) % used counting reclaimable slab (procps: \(oneDecimal(used.procpsPercent)) %)",
            evidence: evidence, detail: detail)
    }

    /// The parts of "used" (counting reclaimable slab) that can grow, with
    /// what each means and which finding names the holder.
    static let growingParts: [(name: String, meaning: String, value: @Sendable (Meminfo) -> UInt64?)] = [
        ("AnonPages", "process memory; process.growth names the process", { $0["AnonPages"] }),
        ("Shmem", "tmpfs and shared memory; shmem.growth names the mount", { $0.shmem }),
        ("Slab", "kernel slab caches; the slab findings name the cache", { $0.slab }),
        ("KernelStack", "kernel stacks, one per thread", { $0["KernelStack"] }),
        ("PageTables", "page tables of processes' mappings", { $0["PageTables"] }),
    ]

    /// The part whose robust slope is the steepest, when it rises.
    static func fastestGrowingPart(_ samples: [Snapshot]) -> (name: String, meaning: String, trend: Trend)? {
        var best: (name: String, meaning: String, trend: Trend)?
        for part in growingParts {
            guard let trend = Trend(samples, { $0.meminfo.flatMap(part.value).map { Double($0) } }), trend.perHour > 0 else { continue }
            if trend.perHour > (best?.trend.perHour ?? 0) { best = (part.name, part.meaning, trend) }
        }
        return best
    }

    static func usedEvidence(_ used: UsedMemory) -> [Evidence] {
        var evidence: [Evidence] = [
            .meminfo("MemTotal", used.total),
            .bytes("used (procps: MemTotal - \(used.availableSource == .memAvailable ? "MemAvailable" : "MemFree"))", used.procpsUsed,
                   source: "derived: /proc/meminfo"),
            .percent("used (procps)", used.procpsPercent, source: "derived: /proc/meminfo"),
            .bytes("used counting reclaimable slab (MemTotal - MemFree - (Cached - Shmem) - Buffers)", used.withReclaimableSlab,
                   source: "derived: /proc/meminfo"),
            .percent("used counting reclaimable slab", used.withReclaimableSlabPercent, source: "derived: /proc/meminfo"),
            .meminfo("SReclaimable", used.reclaimableSlab),
        ]
        if let estimate = used.legacyAvailableEstimate {
            evidence.append(.bytes("available, kernel 3.14 formula applied by hand", estimate,
                                   source: "derived: /proc/meminfo, /proc/sys/vm/min_free_kbytes", text: "estimate"))
        }
        return evidence
    }

    static func usedDetail(_ used: UsedMemory) -> String {
        var text = "Used counting reclaimable slab: \(humanBytes(used.withReclaimableSlab)) of \(humanBytes(used.total)) (\(oneDecimal(used.withReclaimableSlabPercent)) %). procps free says \(humanBytes(used.procpsUsed)) (\(oneDecimal(used.procpsPercent)) %)"
        switch used.availableSource {
        case .memAvailable: text += ", because MemAvailable counts reclaimable slab as available."
        case .memFreeFallback:
            text += "; this kernel has no MemAvailable, so procps 4 takes available = MemFree and counts the whole page cache as used."
            if let estimate = used.legacyAvailableEstimate {
                text += " The kernel's MemAvailable formula, applied by hand, would say \(humanBytes(estimate)) available (an estimate)."
            }
        }
        return text
    }

    /// Page cache (file pages, without Shmem) at least this share of MemTotal
    /// earns the INFO.
    static let pageCacheInfoPercent = 50.0

    static let pageCacheHealthy = Rule(id: "pagecache.healthy") { context, issue in
        guard let used = context.used, let share = context.percentOfTotal(used.pageCache),
              share >= pageCacheInfoPercent else { return nil }
        // Never more than INFO: a large page cache is Linux working as designed.
        return issue.finding(
            .info, title: "\(oneDecimal(share)) % of memory is page cache, which the kernel gives back on demand",
            evidence: [
                .meminfo("Cached", context.meminfo?.cached), .meminfo("Shmem", context.meminfo?.shmem),
                .meminfo("Buffers", context.meminfo?.buffers),
                .percent("page cache share of MemTotal", share, source: "derived: /proc/meminfo (Cached - Shmem + Buffers)"),
                .meminfo("MemAvailable", context.meminfo?.memAvailable),
            ])
    }
}
