import MemoryModel

/// `memsleuth ps` as an aligned table or as JSON.
///
/// Text: one row per process (or group), sizes in the binary units of
/// `free -h`, `-` for a figure that could not be read, then a totals row over
/// every process read and, when some could not be read, how many.
public enum PsView {
    public static func text(_ table: ProcessTable) -> String {
        let sizeColumns: [(String, TextTable.Alignment)] = [
            ("VIRT", .right), ("RES", .right), ("SHR", .right), ("PSS", .right), ("USS", .right), ("SWAP", .right),
        ]
        var out: String
        if table.grouping == .process {
            var text = TextTable([("PID", .right), ("USER", .left), ("COMMAND", .left)] + sizeColumns)
            for row in table.rows {
                text.append([String(row.pid), row.user, row.command] + sizes(
                    row.virt, row.res, row.shr, row.pss, row.uss, row.swap))
            }
            text.append(["", "", totalLabel(table)] + sizes(table.totals))
            out = text.rendered()
        } else {
            var text = TextTable([(table.grouping.rawValue.uppercased(), .left), ("PROCS", .right)] + sizeColumns)
            for group in table.groups {
                text.append([group.key, String(group.totals.processes)] + sizes(group.totals))
            }
            text.append([totalLabel(table), String(table.totals.processes)] + sizes(table.totals))
            out = text.rendered()
        }
        if table.unreadable > 0 {
            out += "unreadable: \(table.unreadable) (permission denied: their PSS/USS are shown as -; other users' processes need root)\n"
        }
        for entry in table.unavailable {
            out += "unavailable: \(entry.source): \(entry.reason)\n"
        }
        return out
    }

    private static func totalLabel(_ table: ProcessTable) -> String {
        let shown = table.grouping == .process ? table.rows.count : table.groups.count
        let all = table.grouping == .process ? table.totals.processes : shown
        return shown < all ? "total (top \(shown) of \(all))" : "total"
    }

    private static func sizes(_ totals: ProcessTotals) -> [String] {
        sizes(totals.virt, totals.res, totals.shr, totals.pss, totals.uss, totals.swap)
    }

    private static func sizes(_ values: UInt64?...) -> [String] {
        values.map { $0.map { ByteFormatter.human($0) } ?? "-" }
    }

    /// CLI.md's JSON: sizes in bytes, an unread figure `null`.
    public static func json(_ table: ProcessTable) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("by", .string(table.grouping.rawValue)),
            ("sort", .string(table.sort.rawValue)),
        ]
        if table.grouping == .process {
            members.append(("processes", .array(table.rows.map(json))))
        } else {
            members.append(("groups", .array(table.groups.map { group in
                .object([("key", .string(group.key))] + json(group.totals))
            })))
        }
        members.append(("totals", .object(json(table.totals))))
        members.append(("unavailable", .array(table.unavailable.map { entry in
            .object([("source", .string(entry.source)), ("reason", .string(entry.reason)), ("remedy", .string(entry.remedy))])
        })))
        members.append(("unreadable", .uint(UInt64(table.unreadable))))
        return .object(members)
    }

    private static func json(_ row: ProcessRow) -> JSONValue {
        .object([
            ("pid", .int(Int64(row.pid))),
            ("user", .string(row.user)),
            ("uid", .uint(row.uid.map(UInt64.init))),
            ("command", .string(row.command)),
            ("cmdline", .string(row.cmdline)),
            ("virt_bytes", .uint(row.virt)),
            ("res_bytes", .uint(row.res)),
            ("shr_bytes", .uint(row.shr)),
            ("pss_bytes", .uint(row.pss)),
            ("uss_bytes", .uint(row.uss)),
            ("swap_bytes", .uint(row.swap)),
            ("start_time_ticks", .uint(row.startTimeTicks)),
            ("cgroup", .string(row.cgroup)),
        ])
    }

    private static func json(_ totals: ProcessTotals) -> [(String, JSONValue)] {
        [
            ("processes", .uint(UInt64(totals.processes))),
            ("virt_bytes", .uint(totals.virt)),
            ("res_bytes", .uint(totals.res)),
            ("shr_bytes", .uint(totals.shr)),
            ("pss_bytes", .uint(totals.pss)),
            ("uss_bytes", .uint(totals.uss)),
            ("swap_bytes", .uint(totals.swap)),
        ]
    }
}
