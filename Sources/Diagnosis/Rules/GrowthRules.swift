import KernelFiles
import MemoryModel

/// `process.growth` and `shmem.growth`: memory that keeps growing over the
/// history, named by who holds it — a process (pid, start time, command) or
/// the tmpfs mounts. Both need history; a single sample cannot tell growth.
enum GrowthRules {
    /// Growth worth a WARNING, as a share of MemTotal per hour, and the
    /// least total growth over the history (a steady +1 MiB/h is no leak).
    static let warnPercentPerHour = 0.5
    static let minimumGrowthPercent = 1.0
    /// CRITICAL when MemAvailable would be gone within this many hours.
    static let criticalHours = 6.0
    /// Processes whose growth is looked at closely (the trend engine per
    /// process is the expensive part with thousands of processes).
    static let candidates = 5

    /// The processes of `input` whose RSS grew most since the oldest sample
    /// (at most `candidates`): the ones `process.growth` looks at, and whose
    /// command line and start time the gatherer reads (the sweep reads
    /// neither, for speed).
    public static func growthCandidates(_ input: DiagnosisInput) -> [ProcessRow] {
        guard let oldest = input.history.first,
              let current = input.processes?.rows ?? input.snapshot.processes?.rows else { return [] }
        let before = Dictionary(grouping: oldest.processes?.rows ?? [], by: \.pid)
        return current.compactMap { row -> (ProcessRow, UInt64)? in
            guard let now = row.res, let then = before[row.pid]?.first(where: { ProcessKey($0).matches(row) })?.res,
                  now > then else { return nil }
            return (row, now - then)
        }.sorted { $0.1 > $1.1 }.prefix(candidates).map(\.0)
    }

    static let processGrowth = Rule(id: "process.growth") { context, issue in
        guard let memTotal = context.memTotal else { return nil }
        var best: (row: ProcessRow, trend: Trend)?
        for row in growthCandidates(context.input) {
            guard let trend = Trend(context.samples, { sample in
                sample.processes?.rows.first { ProcessKey($0).matches(row) }?.res.map { Double($0) }
            }), trend.isEstablished else { continue }
            if trend.perHour > (best?.trend.perHour ?? 0) { best = (row, trend) }
        }
        guard let (row, trend) = best else { return nil }
        let percentPerHour = trend.perHour / Double(memTotal) * 100
        let grewPercent = (trend.last - trend.first) / Double(memTotal) * 100
        guard percentPerHour >= warnPercentPerHour, grewPercent >= minimumGrowthPercent else { return nil }

        let hoursLeft = context.meminfo?.memAvailable.map { Double($0) / trend.perHour }
        let level: Severity = (hoursLeft ?? .infinity) <= criticalHours ? .critical : .warning
        let source = "/proc/\(row.pid)/status"
        var detail = "Process \(row.pid) (\(row.command), user \(row.user)) grew from \(humanBytes(clampedBytes(trend.first))) "
            + "to \(humanBytes(clampedBytes(trend.last))) resident over \(humanHours(trend.spanSeconds / 3600)) "
            + "(\(humanBytes(clampedBytes(trend.perHour))) per hour, \(trend.analysis.growth.rawValue), \(trend.sampleCount) samples)"
        if let hoursLeft {
            detail += "; at this rate it takes all of MemAvailable in "
                + humanHoursRange(hoursLeft, trend.hoursRange(until: trend.last + Double(context.meminfo?.memAvailable ?? 0)))
        }
        return issue.finding(
            level,
            title: "\(row.command) (pid \(row.pid)) grows by \(humanBytes(clampedBytes(trend.perHour))) per hour",
            evidence: [
                .bytes("RES growth of \(row.pid)", clampedBytes(trend.perHour), source: "derived: \(source), \(trend.sampleCount) samples",
                       text: "bytes per hour"),
                .bytes("RES of \(row.pid) at the first sample", clampedBytes(trend.first), source: "history"),
                .bytes("RES of \(row.pid) now", row.res, source: source),
                .text("command line", row.cmdline.isEmpty ? row.command : row.cmdline, source: "/proc/\(row.pid)/cmdline"),
                .text("user", row.user, source: source),
            ] + (row.cgroup.map { [.text("cgroup", $0, source: "/proc/\(row.pid)/cgroup")] } ?? []),
            detail: detail + ".")
    }

    static let shmemGrowth = Rule(id: "shmem.growth") { context, issue in
        guard let memTotal = context.memTotal, !context.input.history.isEmpty,
              let trend = Trend(context.samples, { $0.meminfo?.shmem.map { Double($0) } }), trend.isEstablished
        else { return nil }
        let percentPerHour = trend.perHour / Double(memTotal) * 100
        let grewPercent = (trend.last - trend.first) / Double(memTotal) * 100
        guard percentPerHour >= warnPercentPerHour, grewPercent >= minimumGrowthPercent else { return nil }
        let hoursLeft = context.meminfo?.memAvailable.map { Double($0) / trend.perHour }
        let level: Severity = (hoursLeft ?? .infinity) <= criticalHours ? .critical : .warning
        let mounts = context.input.tmpfs.filter { ($0.usedBytes ?? 0) > 0 }.sorted { ($0.usedBytes ?? 0) > ($1.usedBytes ?? 0) }
        var evidence: [Evidence] = [
            .bytes("Shmem growth", clampedBytes(trend.perHour), source: "derived: /proc/meminfo, \(trend.sampleCount) samples",
                   text: "bytes per hour"),
            .bytes("Shmem at the first sample", clampedBytes(trend.first), source: "history"),
            .meminfo("Shmem", context.meminfo?.shmem),
        ]
        for mount in mounts.prefix(3) {
            evidence.append(.bytes("used on \(mount.mountPoint)", mount.usedBytes, source: "statfs(\(mount.mountPoint))",
                                   text: mount.sizeBytes.map { "of \(humanBytes($0))" }))
        }
        var detail = "Shared memory and tmpfs grew from \(humanBytes(clampedBytes(trend.first))) to "
            + "\(humanBytes(clampedBytes(trend.last))) over \(humanHours(trend.spanSeconds / 3600)) "
            + "(\(humanBytes(clampedBytes(trend.perHour))) per hour)"
        if let top = mounts.first, let used = top.usedBytes {
            detail += "; the fullest tmpfs mount is \(top.mountPoint) with \(humanBytes(used))"
        } else {
            detail += "; no tmpfs mount was seen holding it (System V / POSIX shared memory: ipcs -m)"
        }
        if let hoursLeft { detail += "; at this rate MemAvailable is gone in \(humanHours(hoursLeft))" }
        return issue.finding(
            level,
            title: "Shmem/tmpfs grows by \(humanBytes(clampedBytes(trend.perHour))) per hour"
                + (mounts.first.map { ", most on \($0.mountPoint)" } ?? ""),
            evidence: evidence, detail: detail + ".")
    }
}

/// A process across samples: its pid and its start time (clock ticks after
/// boot), so that a reused pid is not taken for the same process. The sweep
/// does not read start times (the store and the gatherer's candidates
/// have them): an unknown start matches on the pid alone.
struct ProcessKey: Hashable {
    var pid: Int32
    var start: UInt64?

    init(_ row: ProcessRow) {
        pid = row.pid
        start = row.startTimeTicks
    }

    func matches(_ row: ProcessRow) -> Bool {
        guard row.pid == pid else { return false }
        guard let start, let other = row.startTimeTicks else { return true }
        return start == other
    }
}
