import KernelFiles
import MemoryModel

/// `memsleuth numa`: memory per NUMA node, laid out as `numastat -m` and
/// `numastat -n` print it, plus the raw numastat counters.
public enum NumaView {
    /// How the per-node figures were found.
    public struct Context {
        /// True when the kernel has no `/sys/devices/system/node` and
        /// `/proc/meminfo` stands in as node 0.
        public var isSingleNodeFallback: Bool
        public var unavailable: [Unavailable]

        public init(isSingleNodeFallback: Bool, unavailable: [Unavailable]) {
            self.isSingleNodeFallback = isSingleNodeFallback
            self.unavailable = unavailable
        }
    }

    public static let fallbackNote =
        "no NUMA nodes under /sys/devices/system/node (a kernel without CONFIG_NUMA, or sysfs not mounted): "
        + "/proc/meminfo is shown as node 0; numastat itself refuses to run on such a host"

    public static func text(_ table: NumaTable, _ context: Context) -> String {
        var out = ""
        if context.isSingleNodeFallback { out += "Note: " + fallbackNote + ".\n" }
        let headers = table.nodes.map { "Node \($0.node)" } + ["Total"]
        if !table.meminfo.isEmpty {
            out += "\nPer-node system memory usage (in MBs):\n"
            out += numastatTable(headers: headers, rows: table.meminfo)
        }
        if !table.numastat.isEmpty {
            out += "\nPer-node numastat info (in MBs):\n"
            out += numastatTable(headers: headers, rows: table.numastat)
            out += "\nPer-node numastat counters (pages):\n"
            var counters = TextTable([("", .left)] + table.nodes.map { ("node\($0.node)", .right) })
            for (token, _) in NumaTable.numastatRows {
                counters.append([token] + table.nodes.map { $0.numastat?[token].map(String.init) ?? "-" })
            }
            out += counters.rendered()
        }
        if !context.unavailable.isEmpty {
            out += "\nNot available:\n" + context.unavailable.map { "  " + $0.line + "\n" }.joined()
        }
        return out
    }

    /// numastat.c's `display_table`: a 16-wide left-justified label column,
    /// 16-wide right-justified data columns (`%.2f`), a rule of 15 dashes
    /// under each header; an unknown cell is blank, as numastat leaves it.
    static func numastatTable(headers: [String], rows: [NumaTable.Row]) -> String {
        var out = pad("", 16, left: true) + headers.map { pad($0, 16, left: false) }.joined() + "\n"
        out += pad("", 16, left: true) + headers.map { _ in pad(String(repeating: "-", count: 15), 16, left: false) }.joined() + "\n"
        for row in rows {
            out += pad(row.label, 16, left: true)
            for value in row.megabytes + [row.totalMegabytes] {
                out += pad(value.map { CFormat.twoDecimals($0) } ?? "", 16, left: false)
            }
            out += "\n"
        }
        return out
    }

    private static func pad(_ text: String, _ width: Int, left: Bool) -> String {
        let cut = String(text.prefix(width))
        let spaces = String(repeating: " ", count: max(0, width - cut.count))
        return left ? cut + spaces : spaces + cut
    }

    public static func json(_ table: NumaTable, _ context: Context) -> JSONValue {
        let nodes: [JSONValue] = zip(table.nodes, table.summaries).map { input, summary in
            var members = summaryMembers(summary)
            members.insert(("node", .int(Int64(input.node))), at: 0)
            members.append(("meminfo", input.meminfo.map { meminfo in
                .object(meminfo.fields.map { ($0.name, .uint($0.value)) })
            } ?? .null))
            members.append(("numastat", input.numastat.map { numastat in
                .object(numastat.fields.map { ($0.name, .uint($0.value)) })
            } ?? .null))
            return .object(members)
        }
        return .object([
            ("single_node_fallback", .bool(context.isSingleNodeFallback)),
            ("page_size", .uint(table.pageSize)),
            ("huge_page_size", .uint(table.hugePageSize)),
            ("nodes", .array(nodes)),
            ("total", .object(summaryMembers(table.total))),
            ("unavailable", .array(context.unavailable.map(\.json))),
        ])
    }

    /// Sizes in bytes; numastat counters stay counts of pages.
    private static func summaryMembers(_ summary: NumaTable.NodeSummary) -> [(String, JSONValue)] {
        [
            ("total", .uint(summary.total)), ("free", .uint(summary.free)), ("used", .uint(summary.used)),
            ("file", .uint(summary.file)), ("anon", .uint(summary.anon)), ("slab", .uint(summary.slab)),
            ("numa_hit", .uint(summary.numaHit)), ("numa_miss", .uint(summary.numaMiss)),
            ("numa_foreign", .uint(summary.numaForeign)), ("interleave_hit", .uint(summary.interleaveHit)),
            ("local_node", .uint(summary.localNode)), ("other_node", .uint(summary.otherNode)),
        ]
    }
}
