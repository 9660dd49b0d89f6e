import KernelFiles
import MemoryModel

/// Slab as a whole and its large families: `slab.reclaimable.runaway`,
/// `slab.inode.bloat`, `slab.unreclaimable.growth`.
enum SlabRules {
    static let reclaimableRunaway = Rule(id: "slab.reclaimable.runaway") { context, issue in
        guard let meminfo = context.meminfo, let reclaimable = meminfo.sReclaimable,
              let share = context.percentOfTotal(reclaimable),
              let level = severity(share, warn: 20, crit: 40) else { return nil }
        let largest = context.snapshot.slabCacheSizes.first {
            $0.reclaimable ?? SlabNames.isKnownReclaimable($0.name)
        }
        var evidence: [Evidence] = [
            .meminfo("MemTotal", meminfo.memTotal), .meminfo("Slab", meminfo.slab), .meminfo("SReclaimable", reclaimable),
            .percent("SReclaimable share of MemTotal", share, source: "derived: /proc/meminfo"),
            .meminfo("Cached", meminfo.cached),
        ]
        var detail = "Reclaimable slab holds \(humanBytes(reclaimable)) (\(oneDecimal(share)) % of RAM)"
        if let largest {
            evidence.append(.bytes("largest reclaimable cache", largest.bytes, source: Snapshot.slabinfoSource, text: largest.name))
            detail += "; the largest reclaimable cache is \(largest.name) with \(humanBytes(largest.bytes))"
        }
        if let trend = Trend(context.samples, { $0.meminfo?.sReclaimable.map { Double($0) } }) {
            evidence.append(Evidence(name: "SReclaimable growth", value: trend.perHour, unit: .bytes, source: "derived: /proc/meminfo",
                                     text: "bytes per hour over \(trend.sampleCount) samples"))
            detail += ", growing by \(humanBytes(clampedBytes(trend.perHour))) per hour"
        }
        return issue.finding(level, title: "Reclaimable slab holds \(oneDecimal(share)) % of RAM", evidence: evidence,
                             detail: detail + ".")
    }

    static let inodeBloat = Rule(id: "slab.inode.bloat") { context, issue in
        let caches = context.snapshot.slabCacheSizes.filter { SlabNames.isInodeCache($0.name) }
        let bytes = caches.reduce(0) { $0 &+ $1.bytes }
        guard let share = context.percentOfTotal(bytes), let level = severity(share, warn: 10, crit: 30) else { return nil }
        var evidence: [Evidence] = caches.prefix(3).map {
            .bytes($0.name, $0.bytes, source: Snapshot.slabinfoSource, text: "\($0.objects) objects")
        }
        evidence.append(.percent("inode caches' share of MemTotal", share, source: "derived: /proc/slabinfo, /proc/meminfo"))
        if let inodes = context.snapshot.dcache.inodes {
            evidence.append(.count("nr_inodes", inodes.nrInodes, source: "/proc/sys/fs/inode-state"))
            evidence.append(.count("nr_free_inodes", inodes.nrFreeInodes, source: "/proc/sys/fs/inode-state"))
        }
        return issue.finding(level, title: "Inode caches hold \(humanBytes(bytes)) (\(oneDecimal(share)) % of RAM)",
                             evidence: evidence)
    }

    /// Growth of SUnreclaim per hour, as a share of MemTotal, that counts as a leak.
    static let leakPercentPerHour = 0.5

    static let unreclaimableGrowth = Rule(id: "slab.unreclaimable.growth") { context, issue in
        guard let meminfo = context.meminfo, let unreclaimable = meminfo.sUnreclaim,
              let memTotal = context.memTotal else { return nil }
        let share = Double(unreclaimable) / Double(memTotal) * 100
        var level = severity(share, warn: 10, crit: 25)
        let trend = Trend(context.samples) { $0.meminfo?.sUnreclaim.map { Double($0) } }
        var detail = "Unreclaimable slab holds \(humanBytes(unreclaimable)) (\(oneDecimal(share)) % of RAM)"
        var evidence: [Evidence] = [
            .meminfo("SUnreclaim", unreclaimable),
            .percent("SUnreclaim share of MemTotal", share, source: "derived: /proc/meminfo"),
        ]
        if let trend {
            let percentPerHour = trend.perHour / Double(memTotal) * 100
            evidence.append(Evidence(name: "SUnreclaim growth", value: trend.perHour, unit: .bytes, source: "derived: /proc/meminfo",
                                     text: "bytes per hour over \(trend.sampleCount) samples"))
            if trend.isEstablished, percentPerHour >= leakPercentPerHour {
                level = max(level ?? .warning, .warning)
                detail += ", growing by \(humanBytes(clampedBytes(trend.perHour))) per hour"
            }
        }
        guard let level else { return nil }
        // The cache to look at: the fastest-growing unreclaimable one with
        // history, else the largest.
        let current = context.snapshot.slabCacheSizes.filter { !($0.reclaimable ?? SlabNames.isKnownReclaimable($0.name)) }
        var suspect = current.first
        if let oldest = context.input.history.first, trend != nil {
            suspect = current.max { a, b in
                growth(of: a, since: oldest) < growth(of: b, since: oldest)
            } ?? suspect
        }
        if let suspect {
            let kind = SlabNames.isGeneric(suspect.name) ? "a generic kmalloc cache" : "a named cache"
            evidence.append(.bytes("suspect cache", suspect.bytes, source: Snapshot.slabinfoSource, text: suspect.name))
            detail += "; the cache to look at is \(suspect.name) (\(kind), \(humanBytes(suspect.bytes)))"
        }
        return issue.finding(level, title: "Unreclaimable slab holds \(oneDecimal(share)) % of RAM", evidence: evidence,
                             detail: detail + ".")
    }

    private static func growth(of cache: SlabCacheSize, since oldest: Snapshot) -> Int64 {
        let before = oldest.slabCache(cache.name)?.bytes ?? 0
        return Int64(clamping: cache.bytes) - Int64(clamping: before)
    }
}
