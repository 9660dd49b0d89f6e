import KernelFiles

/// Memory per NUMA node: the figures of `numastat -m` and `numastat -n`
/// (numactl's numastat.c, 2012 C rewrite, same in numactl 2.0.16), plus the
/// raw numastat counters and a byte summary per node.
///
/// numastat's rules, kept here so the numbers are the same:
/// - `-m` rows come from a fixed list (`system_meminfo[]`) in a fixed order;
///   a row is shown only when some node's meminfo printed its token; kernel
///   fields not in the list are not shown.
/// - values are MB = value × multiplier / 2^20 in double, printed `%.2f`:
///   the multiplier is 1024 for `kB` lines, the huge page size (meminfo's
///   `Hugepagesize`) for `HugePages_*` counts, and the page size for the
///   numastat counters (which count pages).
/// - `Total` is the double sum of the node values, in node order.
public struct NumaTable: Sendable, Equatable {
    /// One node's sources; nil where a file could not be read.
    public struct NodeInput: Sendable, Equatable {
        public let node: Int
        public let meminfo: Meminfo?
        public let numastat: Numastat?

        public init(node: Int, meminfo: Meminfo?, numastat: Numastat?) {
            self.node = node
            self.meminfo = meminfo
            self.numastat = numastat
        }
    }

    /// A numastat table row: the label numastat prints, the kernel token, MB
    /// per node (nil where that node did not print it or a size is unknown)
    /// and the total.
    public struct Row: Sendable, Equatable {
        public let label: String
        public let token: String
        public let megabytes: [Double?]
        public let totalMegabytes: Double?
    }

    /// The summary CLI.md names for `memsleuth numa`, in bytes.
    public struct NodeSummary: Sendable, Equatable {
        public let node: Int?
        public let total: UInt64?
        public let free: UInt64?
        public let used: UInt64?
        public let file: UInt64?
        public let anon: UInt64?
        public let slab: UInt64?
        public let numaHit: UInt64?
        public let numaMiss: UInt64?
        public let numaForeign: UInt64?
        public let interleaveHit: UInt64?
        public let localNode: UInt64?
        public let otherNode: UInt64?
    }

    /// numastat.c `system_meminfo[]`: token and label, in display order.
    public static let meminfoRows: [String] = [
        "MemTotal", "MemFree", "MemUsed", "HighTotal", "HighFree", "LowTotal", "LowFree", "Active", "Inactive",
        "Active(anon)", "Inactive(anon)", "Active(file)", "Inactive(file)", "Unevictable", "Mlocked", "Dirty",
        "Writeback", "FilePages", "Mapped", "AnonPages", "Shmem", "KernelStack", "PageTables", "NFS_Unstable",
        "Bounce", "WritebackTmp", "Slab", "SReclaimable", "SUnreclaim", "AnonHugePages", "ShmemHugePages",
        "ShmemPmdMapped", "HugePages_Total", "HugePages_Free", "HugePages_Surp", "KReclaimable",
    ]

    /// numastat.c `numastat_meminfo[]`: (token, label).
    public static let numastatRows: [(token: String, label: String)] = [
        ("numa_hit", "Numa_Hit"), ("numa_miss", "Numa_Miss"), ("numa_foreign", "Numa_Foreign"),
        ("interleave_hit", "Interleave_Hit"), ("local_node", "Local_Node"), ("other_node", "Other_Node"),
    ]

    public let nodes: [NodeInput]
    public let pageSize: UInt64?
    public let hugePageSize: UInt64?
    /// The `numastat -m` rows shown.
    public let meminfo: [Row]
    /// The `numastat -n` rows, MB of pages.
    public let numastat: [Row]
    public let summaries: [NodeSummary]
    public let total: NodeSummary

    private static let megabyte = 1024.0 * 1024.0

    public init(nodes: [NodeInput], pageSize: UInt64?, hugePageSize: UInt64?) {
        self.nodes = nodes
        self.pageSize = pageSize
        self.hugePageSize = hugePageSize
        var meminfoTable: [Row] = []
        for token in Self.meminfoRows {
            let fields = nodes.map { node in node.meminfo?.fields.first { $0.name == token } }
            guard fields.contains(where: { $0 != nil }) else { continue }
            let values: [Double?] = fields.map { field in
                guard let field else { return nil }
                if token.hasPrefix("HugePages") {
                    guard let hugePageSize else { return nil }
                    return Double(field.value) * Double(hugePageSize) / Self.megabyte
                }
                return field.isBytes ? Double(field.value) / Self.megabyte : Double(field.value)
            }
            meminfoTable.append(Row(label: token, token: token, megabytes: values, totalMegabytes: Self.sum(values)))
        }
        self.meminfo = meminfoTable
        var numastatTable: [Row] = []
        if nodes.contains(where: { $0.numastat != nil }) {
            for (token, label) in Self.numastatRows {
                let values: [Double?] = nodes.map { node in
                    guard let count = node.numastat?[token], let pageSize else { return nil }
                    return Double(count) * Double(pageSize) / Self.megabyte
                }
                numastatTable.append(Row(label: label, token: token, megabytes: values, totalMegabytes: Self.sum(values)))
            }
        }
        self.numastat = numastatTable
        let summaries = nodes.map { Self.summary(node: $0.node, meminfo: $0.meminfo, numastat: $0.numastat) }
        self.summaries = summaries
        self.total = Self.sum(summaries)
    }

    /// The sum numastat prints: nil cells skipped, nil when no node had a value.
    private static func sum(_ values: [Double?]) -> Double? {
        var total: Double?
        for value in values { if let value { total = (total ?? 0) + value } }
        return total
    }

    private static func summary(node: Int?, meminfo: Meminfo?, numastat: Numastat?) -> NodeSummary {
        NodeSummary(
            node: node, total: meminfo?.memTotal, free: meminfo?.memFree, used: meminfo?["MemUsed"],
            file: meminfo?["FilePages"], anon: meminfo?["AnonPages"], slab: meminfo?.slab,
            numaHit: numastat?.numaHit, numaMiss: numastat?.numaMiss, numaForeign: numastat?.numaForeign,
            interleaveHit: numastat?.interleaveHit, localNode: numastat?.localNode, otherNode: numastat?.otherNode)
    }

    /// Field-wise sums; a field any node lacks is nil in the total.
    private static func sum(_ summaries: [NodeSummary]) -> NodeSummary {
        func add(_ path: KeyPath<NodeSummary, UInt64?>) -> UInt64? {
            var total: UInt64 = 0
            for summary in summaries {
                guard let value = summary[keyPath: path] else { return nil }
                let (next, overflow) = total.addingReportingOverflow(value)
                guard !overflow else { return nil }
                total = next
            }
            return summaries.isEmpty ? nil : total
        }
        return NodeSummary(
            node: nil, total: add(\.total), free: add(\.free), used: add(\.used), file: add(\.file),
            anon: add(\.anon), slab: add(\.slab), numaHit: add(\.numaHit), numaMiss: add(\.numaMiss),
            numaForeign: add(\.numaForeign), interleaveHit: add(\.interleaveHit), localNode: add(\.localNode),
            otherNode: add(\.otherNode))
    }

    /// A kernel without NUMA (no `/sys/devices/system/node`): `/proc/meminfo`
    /// as node 0, with the two per-node fields it lacks made the way the
    /// kernel makes them for a node: MemUsed = MemTotal − MemFree
    /// (drivers/base/node.c) and FilePages = Buffers + Cached + SwapCached
    /// (meminfo's Cached is the file pages less swap cache and buffers).
    /// numastat itself refuses to run there ("Couldn't open /sys/devices/system/node").
    public static func singleNode(fromProcMeminfo meminfo: Meminfo) -> Meminfo {
        var fields: [Meminfo.Field] = []
        for field in meminfo.fields {
            fields.append(field)
            if field.name == "MemFree", let total = meminfo.memTotal, let free = meminfo.memFree, total >= free {
                fields.append(Meminfo.Field(name: "MemUsed", value: total - free, isBytes: true))
            }
        }
        if let buffers = meminfo.buffers, let cached = meminfo.cached {
            let (sum, overflow) = buffers.addingReportingOverflow(cached)
            let swapCached = meminfo["SwapCached"] ?? 0
            let (file, overflow2) = sum.addingReportingOverflow(swapCached)
            if !overflow && !overflow2 { fields.append(Meminfo.Field(name: "FilePages", value: file, isBytes: true)) }
        }
        return Meminfo(fields: fields)
    }
}
