import MemoryModel
import SlabTrace

/// `memsleuth trace slab`: who allocates and keeps a slab cache's objects.
public enum TraceView {
    /// A summary line, then COMMAND, PARENT, CGROUP, PROCS, STARTS/S, ALLOC, FREED, KEPT, SHARE.
    public static func text(_ outcome: SlabTraceSession.Outcome, top: Int) -> String {
        let report = outcome.report
        var out = "\(report.cache): \(report.allocations) allocated, \(report.frees) freed"
            + " (\(report.freesOfOlderObjects) of them older than the trace), \(report.kept) kept"
            + " in \(CFormat.oneDecimal(report.durationSeconds)) s"
        if outcome.byCallSite { out += " (matched by allocating function: this kernel prints no cache name)" }
        out += "\n"
        if report.lostEvents > 0 {
            out += "warning: the kernel dropped \(report.lostEvents) events (the reader fell behind); counts are low\n"
        }
        if !outcome.removedLeftovers.isEmpty {
            out += "removed trace instances left by killed runs: \(outcome.removedLeftovers.joined(separator: ", "))\n"
        }
        guard !report.groups.isEmpty else { return out + "no process allocated from \(report.cache) during the trace\n" }
        var table = TextTable([
            ("COMMAND", .left), ("PARENT", .left), ("CGROUP", .left), ("PROCS", .right), ("STARTS/S", .right),
            ("ALLOC", .right), ("FREED", .right), ("KEPT", .right), ("SHARE", .right),
        ])
        for group in report.groups.prefix(top) {
            table.append([
                group.command, group.parent.map { cut($0, 40) } ?? "-", group.cgroup.map { cut($0, 40) } ?? "-",
                String(group.processes), group.startsPerSecond.map(CFormat.oneDecimal) ?? "-",
                String(group.allocated), String(group.freed), String(group.kept),
                group.shareOfGrowth.map { CFormat.oneDecimal($0 * 100) + "%" } ?? "-",
            ])
        }
        out += table.rendered()
        if report.groups.count > top { out += "(\(top) of \(report.groups.count) groups; --top N for more)\n" }
        if let headline = report.headline { out += headline + "\n" }
        return out
    }

    public static func json(_ outcome: SlabTraceSession.Outcome, top: Int) -> JSONValue {
        let report = outcome.report
        return .object([
            ("cache", .string(report.cache)),
            ("duration_seconds", .double(report.durationSeconds)),
            ("matched_by", .string(outcome.byCallSite ? "call_site" : "name")),
            ("allocations", .uint(report.allocations)),
            ("frees", .uint(report.frees)),
            ("frees_of_older_objects", .uint(report.freesOfOlderObjects)),
            ("kept", .uint(report.kept)),
            ("lost_events", .uint(report.lostEvents)),
            ("removed_leftover_instances", .array(outcome.removedLeftovers.map(JSONValue.string))),
            ("headline", .string(report.headline)),
            ("groups", .array(report.groups.prefix(top).map(groupJSON))),
        ])
    }

    static func groupJSON(_ group: SlabAttributionReport.Group) -> JSONValue {
        .object([
            ("command", .string(group.command)),
            ("executable", .string(group.executable)),
            ("command_line", group.commandLine.map { .array($0.map(JSONValue.string)) } ?? .null),
            ("parent", .string(group.parent)),
            ("parent_pid", .int(group.parentPID.map(Int64.init))),
            ("cgroup", .string(group.cgroup)),
            ("pids", .array(group.pids.map { .int(Int64($0)) })),
            ("processes", .uint(UInt64(group.processes))),
            ("starts", .uint(UInt64(group.starts))),
            ("starts_per_second", .double(group.startsPerSecond)),
            ("allocated", .uint(group.allocated)),
            ("allocated_per_second", .double(group.allocatedPerSecond)),
            ("freed", .uint(group.freed)),
            ("kept", .uint(group.kept)),
            ("share_of_growth", .double(group.shareOfGrowth)),
        ])
    }

    /// `trace slab --by-cgroup`: slab per memory cgroup, no tracing. For v1,
    /// the cache's own objects from `memory.kmem.slabinfo` too.
    public static func cgroupText(_ tree: CgroupTree, cache: String?) -> String {
        let holders = tree.slabHolders
        guard !holders.isEmpty else {
            return "no memory cgroup accounts slab here (needs cgroup v2 memory.stat, or v1 memory.kmem.slabinfo with kmem accounting)\n"
        }
        var table = TextTable([("CGROUP", .left), ("SLAB", .right), ("RECLAIMABLE", .right), ("UNRECLAIMABLE", .right)]
            + (cache.map { [("\($0.uppercased()) (v1)", .right)] } ?? []))
        for cgroup in holders {
            var row = [cgroup.path, size(cgroup.slabBytes), size(cgroup.slabReclaimableBytes), size(cgroup.slabUnreclaimableBytes)]
            if let cache { row.append(cacheShare(cgroup, cache).map { ByteFormatter.human($0.sizeBytes) } ?? "-") }
            table.append(row)
        }
        return table.rendered()
    }

    public static func cgroupJSON(_ tree: CgroupTree, cache: String?) -> JSONValue {
        .object([
            ("cache", .string(cache)),
            ("cgroups", .array(tree.slabHolders.map { cgroup in
                let share = cache.flatMap { cacheShare(cgroup, $0) }
                return .object([
                    ("cgroup", .string(cgroup.path)),
                    ("version", .uint(UInt64(cgroup.version))),
                    ("slab_bytes", .uint(cgroup.slabBytes)),
                    ("slab_reclaimable_bytes", .uint(cgroup.slabReclaimableBytes)),
                    ("slab_unreclaimable_bytes", .uint(cgroup.slabUnreclaimableBytes)),
                    ("cache_objects", .uint(share?.activeObjs)),
                    ("cache_bytes", .uint(share?.sizeBytes)),
                ])
            })),
            ("unavailable", .array(tree.unavailable.map { item in
                .object([("source", .string(item.source)), ("reason", .string(item.reason)), ("remedy", .string(item.remedy))])
            })),
        ])
    }

    /// v1 names a cgroup's copy of a cache `dentry(2:httpd.service)` (memcg id and name).
    static func cacheShare(_ cgroup: CgroupTree.Cgroup, _ cache: String) -> CgroupTree.SlabShare? {
        cgroup.slabCaches?.first { $0.name == cache || $0.name.hasPrefix(cache + "(") }
    }

    static func size(_ bytes: UInt64?) -> String { bytes.map { ByteFormatter.human($0) } ?? "-" }

    static func cut(_ text: String, _ width: Int) -> String {
        text.count <= width ? text : "…" + String(text.suffix(width - 1))
    }
}
