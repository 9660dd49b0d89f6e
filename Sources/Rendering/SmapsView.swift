import KernelFiles
import MemoryModel

/// `memsleuth smaps PID`: one row per mapping, then the totals.
public enum SmapsView {
    public static func json(pid: Int32, _ table: SmapsTable) -> JSONValue {
        .object([
            ("pid", .int(Int64(pid))),
            ("mappings", .array(table.rows.map { row in
                .object(AddressFormat.mappingFields(row.entry) + figures(row.figures))
            })),
            ("totals", .object(figures(table.totals))),
        ])
    }

    /// The figures' JSON keys (bytes; null when the kernel did not print the field).
    static func figures(_ figures: SmapsTable.Figures) -> [(String, JSONValue)] {
        [
            ("size", .uint(figures.size)), ("rss", .uint(figures.rss)), ("pss", .uint(figures.pss)),
            ("shared_clean", .uint(figures.sharedClean)), ("shared_dirty", .uint(figures.sharedDirty)),
            ("private_clean", .uint(figures.privateClean)), ("private_dirty", .uint(figures.privateDirty)),
            ("swap", .uint(figures.swap)), ("swap_pss", .uint(figures.swapPss)),
            ("anon_huge_pages", .uint(figures.anonHugePages)), ("locked", .uint(figures.locked)),
        ]
    }

    public static func text(pid: Int32, _ table: SmapsTable) -> String {
        var out = TextTable([
            ("ADDRESS", .left), ("PERM", .left), ("SIZE", .right), ("RSS", .right), ("PSS", .right),
            ("SH_CLEAN", .right), ("SH_DIRTY", .right), ("PR_CLEAN", .right), ("PR_DIRTY", .right),
            ("SWAP", .right), ("ANONHUGE", .right), ("MAPPING", .left),
        ])
        func cells(_ figures: SmapsTable.Figures) -> [String] {
            [figures.size, figures.rss, figures.pss, figures.sharedClean, figures.sharedDirty, figures.privateClean,
             figures.privateDirty, figures.swap, figures.anonHugePages].map(AddressFormat.size)
        }
        for row in table.rows {
            out.append([AddressFormat.range(row.entry.start, row.entry.end), row.entry.permissions.description]
                       + cells(row.figures) + [row.entry.path.isEmpty ? "[anon]" : row.entry.path])
        }
        out.append(["total (\(table.rows.count) mappings)", ""] + cells(table.totals) + [""])
        return "memsleuth smaps \(pid) (from /proc/\(pid)/smaps)\n" + out.rendered()
    }
}
