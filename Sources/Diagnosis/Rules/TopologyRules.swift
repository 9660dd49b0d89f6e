import KernelFiles
import MemoryModel

/// Where free memory is, not how much: `fragmentation.high-order` (buddy
/// allocator) and `numa.imbalance`.
enum TopologyRules {
    /// Order 4 = 16 contiguous pages (64 KiB with 4 KiB pages); network
    /// jumbo buffers, THP (order 9) and many drivers need this or more.
    static let highOrder = 4

    static let fragmentation = Rule(id: "fragmentation.high-order") { context, issue in
        guard let zones = context.snapshot.buddy?.buddyinfo.zones else { return nil }
        let starved = zones.filter { zone in
            zone.zone == "Normal" && zone.freeBlocks.count > highOrder
                && zone.freeBlocks[highOrder...].allSatisfy { $0 == 0 } && zone.freePages > 0
        }
        guard let first = starved.first else { return nil }
        let compactStall = context.snapshot.vmstat?.vmstat["compact_stall"]
        let stallRate = counterRate(context.samples) { $0.vmstat?.vmstat["compact_stall"] }
        let level: Severity = (stallRate ?? 0) >= 10 ? .critical : .warning
        let pages = first.freeBlocks.enumerated().map { "\($0.offset):\($0.element)" }.joined(separator: " ")
        return issue.finding(
            level, title: "No free blocks of order \(highOrder) or more in node \(first.node) zone Normal",
            evidence: [
                .text("node \(first.node) Normal free blocks by order", pages, source: "/proc/buddyinfo"),
                .count("free pages in that zone", first.freePages, source: "derived: /proc/buddyinfo"),
                .count("compact_stall", compactStall, source: "/proc/vmstat"),
                Evidence(name: "compact_stall rate", value: stallRate, unit: .countPerSecond, source: "derived: /proc/vmstat"),
            ],
            detail: "\(starved.count) Normal zone(s) have free memory only in blocks smaller than \(1 << highOrder) pages.")
    }

    static let numaImbalance = Rule(id: "numa.imbalance") { context, issue in
        guard context.snapshot.numa.nodes.count >= 2, let table = context.snapshot.numaTable else { return nil }
        func freeShare(_ node: NumaTable.NodeSummary) -> Double? {
            guard let total = node.total, total > 0, let free = node.free else { return nil }
            return Double(free) / Double(total) * 100
        }
        let shares = table.summaries.compactMap { node in freeShare(node).map { (node, $0) } }
        guard let tight = shares.min(by: { $0.1 < $1.1 }), let roomy = shares.max(by: { $0.1 < $1.1 }),
              tight.1 < 5, roomy.1 >= 25 else { return nil }
        let tightNode = tight.0.node.map(String.init) ?? "?"
        let roomyNode = roomy.0.node.map(String.init) ?? "?"
        let source = "/sys/devices/system/node/node\(tightNode)/meminfo"
        return issue.finding(
            .warning, title: "NUMA node \(tightNode) has \(oneDecimal(tight.1)) % free while node \(roomyNode) has \(oneDecimal(roomy.1)) %",
            evidence: [
                .bytes("node \(tightNode) MemFree", tight.0.free, source: source),
                .bytes("node \(tightNode) MemTotal", tight.0.total, source: source),
                .bytes("node \(roomyNode) MemFree", roomy.0.free, source: "/sys/devices/system/node/node\(roomyNode)/meminfo"),
                .count("node \(tightNode) numa_miss", tight.0.numaMiss, source: "/sys/devices/system/node/node\(tightNode)/numastat"),
                .count("node \(tightNode) numa_foreign", tight.0.numaForeign, source: "/sys/devices/system/node/node\(tightNode)/numastat"),
            ])
    }
}
