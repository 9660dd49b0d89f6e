import KernelFiles
import MemoryModel

/// `memsleuth slabtop`: procps-ng 4's `slabtop -o` text, a refreshing frame
/// with a GROWTH column, and the JSON of CLI.md.
public enum SlabtopView {
    /// Byte-for-byte what `slabtop -o` prints for the same slabinfo and page
    /// size (procps-ng 4.0 `print_summary`, `print_headings`, `print_details`),
    /// trailing spaces of its `%-78s` and `%-23s` included.
    public static func text(_ table: SlabTable) -> String {
        var out = summary(table.totals)
        out += pad(heading, 78, left: true) + "\n"
        for row in table.rows { out += detail(row) + "\n" }
        return out
    }

    /// One frame of the refreshing view: the summary, a GROWTH column before
    /// NAME, and as many rows as `rows - 8` (slabtop's own limit), after
    /// clearing the screen.
    public static func frame(_ table: SlabTable, terminalRows: Int) -> String {
        var out = "\u{1B}[H\u{1B}[2J"
        out += summary(table.totals)
        out += "  OBJS ACTIVE  USE OBJ SIZE  SLABS OBJ/SLAB CACHE SIZE    GROWTH NAME\n"
        let limit = max(0, (terminalRows > 10 ? terminalRows : 24) - 8)
        for row in table.rows.prefix(limit) {
            out += detailColumns(row) + " " + pad(growth(row.growth), 9) + " " + row.cache.name + "\n"
        }
        return out
    }

    /// CLI.md's `{"caches": [...], "totals": {...}}`, sizes in bytes.
    public static func json(_ table: SlabTable, version: Slabinfo.Version, unavailable: [Unavailable] = []) -> JSONValue {
        let caches: [JSONValue] = table.rows.map { row in
            let cache = row.cache
            return .object([
                ("name", .string(cache.name)),
                ("active_objs", .uint(cache.activeObjs)),
                ("num_objs", .uint(cache.numObjs)),
                ("objsize", .uint(cache.objSize)),
                ("objperslab", .uint(cache.objPerSlab)),
                ("pagesperslab", .uint(cache.pagesPerSlab)),
                ("active_slabs", .uint(cache.activeSlabs)),
                ("num_slabs", .uint(cache.numSlabs)),
                ("size_bytes", .uint(row.sizeBytes)),
                ("use_percent", .uint(row.usePercent)),
                ("tunables", .object([
                    ("limit", .uint(cache.tunables.limit)),
                    ("batchcount", .uint(cache.tunables.batchcount)),
                    ("sharedfactor", .uint(cache.tunables.sharedfactor)),
                ])),
                ("sharedavail", .uint(cache.sharedAvail)),
                ("reclaimable", row.reclaimable.map(JSONValue.bool) ?? .null),
                ("aliases", row.aliases.map { .array($0.map(JSONValue.string)) } ?? .null),
                ("growth_objects_per_second", .double(row.growth?.objectsPerSecond)),
                ("growth_bytes_per_second", .double(row.growth?.bytesPerSecond)),
            ])
        }
        let t = table.totals
        let totals: JSONValue = .object([
            ("active_objs", .uint(t.activeObjs)),
            ("num_objs", .uint(t.numObjs)),
            ("active_slabs", .uint(t.activeSlabs)),
            ("num_slabs", .uint(t.numSlabs)),
            ("active_caches", .uint(t.activeCaches)),
            ("caches", .uint(t.caches)),
            ("active_size_bytes", .uint(t.activeSize)),
            ("total_size_bytes", .uint(t.totalSize)),
            ("min_objsize", .uint(t.minObjSize)),
            ("avg_objsize", .uint(t.averageObjSize)),
            ("max_objsize", .uint(t.maxObjSize)),
            ("size_bytes", .uint(t.sizeBytes)),
        ])
        return .object([
            ("slabinfo_version", .string(version.rawValue)),
            ("page_size", .uint(table.pageSize)),
            ("sort", .string(table.sort.rawValue)),
            ("caches", .array(caches)),
            ("totals", totals),
            ("unavailable", .array(unavailable.map { item in
                .object([("source", .string(item.source)), ("reason", .string(item.reason)),
                         ("remedy", .string(item.remedy))])
            })),
        ])
    }

    static let heading = "  OBJS ACTIVE  USE OBJ SIZE  SLABS OBJ/SLAB CACHE SIZE NAME"

    /// `print_summary`: five lines of ` %-35s: ...` and a blank line.
    static func summary(_ t: SlabTable.Totals) -> String {
        func label(_ text: String) -> String { " " + pad(text, 35, left: true) + ": " }
        func percent(_ part: UInt64, _ whole: UInt64) -> String {
            CFormat.oneDecimal(100.0 * Double(part) / Double(whole)) + "%"
        }
        func kilobytes(_ bytes: UInt64) -> String { CFormat.twoDecimals(Double(bytes) / 1024.0) + "K" }
        var out = label("Active / Total Objects (% used)")
            + "\(t.activeObjs) / \(t.numObjs) (\(percent(t.activeObjs, t.numObjs)))\n"
        out += label("Active / Total Slabs (% used)")
            + "\(t.activeSlabs) / \(t.numSlabs) (\(percent(t.activeSlabs, t.numSlabs)))\n"
        out += label("Active / Total Caches (% used)")
            + "\(t.activeCaches) / \(t.caches) (\(percent(t.activeCaches, t.caches)))\n"
        out += label("Active / Total Size (% used)")
            + "\(kilobytes(t.activeSize)) / \(kilobytes(t.totalSize)) (\(percent(t.activeSize, t.totalSize)))\n"
        out += label("Minimum / Average / Maximum Object")
            + "\(kilobytes(t.minObjSize)) / \(kilobytes(t.averageObjSize)) / \(kilobytes(t.maxObjSize))\n\n"
        return out
    }

    /// `print_details`: `%6u %6u %3u%% %7.2fK %6u %8u %9luK %-23s`.
    static func detail(_ row: SlabTable.Row) -> String {
        detailColumns(row) + " " + pad(row.cache.name, 23, left: true)
    }

    private static func detailColumns(_ row: SlabTable.Row) -> String {
        let cache = row.cache
        return pad(String(cache.numObjs), 6) + " " + pad(String(cache.activeObjs), 6) + " "
            + pad(String(row.usePercent), 3) + "% "
            + CFormat.format("%7.2f", Double(cache.objSize) / 1024.0) + "K "
            + pad(String(cache.numSlabs), 6) + " " + pad(String(cache.objPerSlab), 8) + " "
            + pad(String(row.sizeBytes / 1024), 9) + "K"
    }

    /// `+1.2Mi/s`, `-64Ki/s`, `0B/s`; `-` before there are two samples.
    static func growth(_ growth: SlabTable.Growth?) -> String {
        guard let rate = growth?.bytesPerSecond, rate.isFinite else { return "-" }
        let magnitude = rate.magnitude.rounded()
        guard magnitude >= 1 else { return "0B/s" }
        let bytes = magnitude < 1.8e19 ? UInt64(magnitude) : UInt64.max
        return (rate < 0 ? "-" : "+") + ByteFormatter.human(bytes) + "/s"
    }

    /// Pads to `width` bytes like printf's `%Ns` (right) or `%-Ns` (left).
    static func pad(_ text: String, _ width: Int, left: Bool = false) -> String {
        let count = text.utf8.count
        guard count < width else { return text }
        let spaces = String(repeating: " ", count: width - count)
        return left ? text + spaces : spaces + text
    }
}
