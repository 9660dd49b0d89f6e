import KernelFiles
import MemoryModel

/// Who holds memory outside the kernel's caches: `shmem.large` (and which
/// tmpfs mount) and `process.large` (pid, command, user).
enum UsageRules {
    static let shmemLarge = Rule(id: "shmem.large") { context, issue in
        guard let shmem = context.meminfo?.shmem, let share = context.percentOfTotal(shmem),
              let level = severity(share, warn: 15, crit: 30) else { return nil }
        let mounts = context.input.tmpfs.filter { ($0.usedBytes ?? 0) > 0 }.sorted { ($0.usedBytes ?? 0) > ($1.usedBytes ?? 0) }
        var evidence: [Evidence] = [.meminfo("Shmem", shmem), .percent("Shmem share of MemTotal", share, source: "derived: /proc/meminfo")]
        for mount in mounts.prefix(3) {
            evidence.append(.bytes("used on \(mount.mountPoint)", mount.usedBytes, source: "statfs(\(mount.mountPoint))",
                                   text: mount.sizeBytes.map { "of \(humanBytes($0))" }))
        }
        var detail = "Shared memory and tmpfs hold \(humanBytes(shmem)) (\(oneDecimal(share)) % of RAM)"
        if let top = mounts.first, let used = top.usedBytes {
            detail += "; the fullest tmpfs mount is \(top.mountPoint) with \(humanBytes(used))"
        } else {
            detail += "; no tmpfs mount was seen holding it (System V / POSIX shared memory: ipcs -m)"
        }
        return issue.finding(
            level, title: "Shmem/tmpfs holds \(oneDecimal(share)) % of RAM" + (mounts.first.map { ", most on \($0.mountPoint)" } ?? ""),
            evidence: evidence, detail: detail + ".")
    }

    static let processLarge = Rule(id: "process.large") { context, issue in
        guard let rows = context.input.processes?.rows,
              let largest = rows.max(by: { ($0.res ?? 0) < ($1.res ?? 0) }), let res = largest.res,
              let share = context.percentOfTotal(res), let level = severity(share, warn: 30, crit: 60) else { return nil }
        let source = "/proc/\(largest.pid)/status"
        return issue.finding(
            level, title: "\(largest.command) (pid \(largest.pid), user \(largest.user)) holds \(oneDecimal(share)) % of RAM",
            evidence: [
                .bytes("RES of \(largest.pid)", res, source: source),
                .bytes("PSS of \(largest.pid)", largest.pss, source: "/proc/\(largest.pid)/smaps_rollup"),
                .bytes("swap of \(largest.pid)", largest.swap, source: source),
                .percent("RES share of MemTotal", share, source: "derived: \(source), /proc/meminfo"),
                .text("command line", largest.cmdline.isEmpty ? largest.command : largest.cmdline, source: "/proc/\(largest.pid)/cmdline"),
                .text("user", largest.user, source: source),
            ],
            detail: "Process \(largest.pid) (\(largest.command), user \(largest.user)) has \(humanBytes(res)) resident (\(oneDecimal(share)) % of RAM).")
    }
}
