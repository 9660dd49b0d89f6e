import KernelFiles
import MemoryModel

/// The dentry cache: `slab.dentry.dominant`, `slab.dentry.negative`,
/// `slab.dentry.negative-growth`.
enum DentryRules {
    static let dentryStateSource = "/proc/sys/fs/dentry-state"
    /// sizeof(struct dentry) on x86-64 since 2.6.3x; used only when
    /// /proc/slabinfo could not be read, and then labelled an estimate.
    static let assumedDentryBytes: UInt64 = 192

    /// The dentry cache's size: from slabinfo, or nr_dentry × 192 (estimate).
    static func dentryBytes(_ snapshot: Snapshot) -> (bytes: UInt64, objectSize: UInt64, estimated: Bool)? {
        if let cache = snapshot.slabCache("dentry") { return (cache.bytes, cache.objectSize, false) }
        guard let state = snapshot.dcache.dentries else { return nil }
        let (bytes, overflow) = state.nrDentry.multipliedReportingOverflow(by: assumedDentryBytes)
        return overflow ? nil : (bytes, assumedDentryBytes, true)
    }

    static let dominant = Rule(id: "slab.dentry.dominant") { context, issue in
        guard let dentry = dentryBytes(context.snapshot), let share = context.percentOfTotal(dentry.bytes),
              var level = severity(share, warn: 10, crit: 30) else { return nil }
        let slab = context.meminfo?.slab
        let slabShare = slab.flatMap { $0 > 0 ? Double(dentry.bytes) / Double($0) * 100 : nil }
        // Dominant means most of slab; a large dentry cache beside a larger slab elsewhere is another rule's.
        if let slabShare, slabShare < 50 { return nil }
        if dentry.estimated { level = min(level, .warning) }
        var evidence: [Evidence] = [
            .bytes("dentry cache", dentry.bytes, source: dentry.estimated ? "derived: nr_dentry x 192 bytes" : Snapshot.slabinfoSource,
                   text: dentry.estimated ? "estimate" : nil),
            .percent("dentry share of MemTotal", share, source: "derived: /proc/meminfo"),
            .percent("dentry share of Slab", slabShare, source: "derived: /proc/meminfo"),
            .meminfo("Slab", slab),
        ]
        if let state = context.snapshot.dcache.dentries {
            evidence.append(.count("nr_dentry", state.nrDentry, source: dentryStateSource))
            evidence.append(.count("nr_unused", state.nrUnused, source: dentryStateSource))
        }
        let detail = "The dentry cache holds \(humanBytes(dentry.bytes)): \(oneDecimal(share)) % of RAM"
            + (slabShare.map { " and \(oneDecimal($0)) % of all slab" } ?? "") + "."
        return issue.finding(level, title: "The dentry cache holds \(humanBytes(dentry.bytes)) (\(oneDecimal(share)) % of RAM)",
                             evidence: evidence, detail: detail)
    }

    /// Negative dentries: the kernel's count (Linux 5.0+), or an estimate.
    ///
    /// Before 5.0 nothing counts them. nr_dentry − nr_unused is the number
    /// of dentries *in use* (referenced), not the negative ones. What can be
    /// said: a negative dentry has no inode and nobody holds it, so it sits
    /// on the LRU (≤ nr_unused); and a positive dentry points at an inode,
    /// so positive dentries are about nr_inodes (hard links make it more).
    /// The estimate is min(nr_unused, nr_dentry − nr_inodes): an upper bound
    /// where hard links are rare, labelled as an estimate everywhere.
    static func negativeDentries(_ snapshot: Snapshot) -> (count: UInt64, estimated: Bool)? {
        guard let state = snapshot.dcache.dentries else { return nil }
        if let negative = state.nrNegative { return (negative, false) }
        guard let inodes = snapshot.dcache.inodes?.nrInodes else { return nil }
        let withoutInode = state.nrDentry > inodes ? state.nrDentry - inodes : 0
        return (min(state.nrUnused, withoutInode), true)
    }

    static let negative = Rule(id: "slab.dentry.negative") { context, issue in
        guard let state = context.snapshot.dcache.dentries, state.nrDentry > 0,
              let negative = negativeDentries(context.snapshot) else { return nil }
        let objectSize = dentryBytes(context.snapshot)?.objectSize ?? assumedDentryBytes
        let (bytes, overflow) = negative.count.multipliedReportingOverflow(by: objectSize)
        let shareOfDentries = Double(negative.count) / Double(state.nrDentry) * 100
        guard !overflow, shareOfDentries >= 50, let share = context.percentOfTotal(bytes),
              var level = severity(share, warn: 5, crit: 30) else { return nil }
        // An estimate never makes the verdict CRITICAL by itself.
        if negative.estimated { level = min(level, .warning) }
        let how = negative.estimated
            ? "estimated as min(nr_unused, nr_dentry - nr_inodes): this kernel does not count negative dentries (Linux 5.0+ does)"
            : "nr_negative from the kernel"
        let source = negative.estimated ? "derived: /proc/sys/fs/dentry-state, /proc/sys/fs/inode-state" : dentryStateSource
        return issue.finding(
            level, title: "\(negative.estimated ? "About " : "")\(negative.count) negative dentries (\(humanBytes(bytes)), \(oneDecimal(share)) % of RAM)",
            evidence: [
                .count("nr_negative", negative.count, source: source, text: negative.estimated ? "estimate" : nil),
                .count("nr_dentry", state.nrDentry, source: dentryStateSource),
                .count("nr_unused", state.nrUnused, source: dentryStateSource),
                .percent("negative share of dentries", shareOfDentries, source: source, text: negative.estimated ? "estimate" : nil),
                .bytes("memory in negative dentries", bytes, source: "derived: nr_negative x dentry object size",
                       text: negative.estimated ? "estimate" : nil),
            ],
            detail: "Negative dentries: \(negative.count) of \(state.nrDentry) (\(oneDecimal(shareOfDentries)) %), \(how).")
    }

    /// Dentry growth, as a share of MemTotal per hour, worth a WARNING.
    static let growthPercentPerHour = 0.5

    static let negativeGrowth = Rule(id: "slab.dentry.negative-growth") { context, issue in
        guard let memTotal = context.memTotal, context.input.history.count >= 1 else { return nil }
        // Count negative dentries where every sample has nr_negative;
        // otherwise the whole dentry cache (which is what grows in the
        // negative-dentry storms of older kernels), said so.
        let kernelCounts = context.samples.allSatisfy { $0.dcache.dentries?.nrNegative != nil }
        let objectSize = Double(dentryBytes(context.snapshot)?.objectSize ?? assumedDentryBytes)
        let trend = Trend(context.samples) { sample -> Double? in
            if kernelCounts { return sample.dcache.dentries?.nrNegative.map { Double($0) * objectSize } }
            return dentryBytes(sample).map { Double($0.bytes) }
        }
        guard let trend, trend.isEstablished, trend.perHour / Double(memTotal) * 100 >= growthPercentPerHour else { return nil }
        let what = kernelCounts ? "negative dentries (nr_negative)" : "the dentry cache (this kernel does not count negative dentries)"
        let objectsPerHour = objectSize > 0 ? trend.perHour / objectSize : 0
        var detail = "\(what.prefix(1).uppercased() + what.dropFirst()) grew by \(humanBytes(clampedBytes(trend.perHour))) per hour"
            + " (\(humanCount(objectsPerHour)) objects/h) for \(humanHours(trend.spanSeconds / 3600)) over \(trend.sampleCount) samples"
            + (trend.analysis.growth == .leakLike ? ", steadily: leak-like." : ".")
        var level = Severity.warning
        var evidence: [Evidence] = [
            Evidence(name: kernelCounts ? "negative dentry growth" : "dentry cache growth", value: trend.perHour, unit: .bytes,
                     source: kernelCounts ? "derived: \(dentryStateSource)" : "derived: \(Snapshot.slabinfoSource)",
                     text: "bytes per hour"),
            .bytes("at the first sample", clampedBytes(trend.first), source: "history"),
            .bytes("now", clampedBytes(trend.last), source: "history"),
        ]
        if let used = context.used {
            let target = context.thresholds.critPercent / 100 * Double(used.total)
            let remaining = target - Double(used.withReclaimableSlab)
            if remaining > 0 {
                let hours = remaining / trend.perHour
                let earliest = remaining / max(trend.upperPerHour, trend.perHour)
                let latest: Double? = trend.lowerPerHour > 0 ? remaining / min(trend.lowerPerHour, trend.perHour) : nil
                detail += " At this rate used memory (counting reclaimable slab) reaches \(oneDecimal(context.thresholds.critPercent)) % in \(humanHoursRange(hours, (earliest, latest)))."
                evidence.append(Evidence(name: "hours until \(oneDecimal(context.thresholds.critPercent)) % used", value: hours * 3600,
                                         unit: .seconds, source: "derived: linear forecast", text: "forecast"))
                if hours <= 6 { level = .critical }
            } else {
                level = .critical
            }
        }
        return issue.finding(level, title: "The dentry cache grows by \(humanBytes(clampedBytes(trend.perHour))) per hour",
                             evidence: evidence, detail: detail)
    }
}
