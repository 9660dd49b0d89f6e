import KernelFiles

/// The per-node files as the kernel printed them:
/// `/sys/devices/system/node/node<N>/{meminfo,numastat}`. A kernel without
/// CONFIG_NUMA lists no nodes; the table then shows `/proc/meminfo` as node
/// 0, built when shown (`table`), so the stored reading stays raw.
public struct NumaReading: Sendable, Equatable {
    /// One entry per listed node, in node order; empty when none are listed.
    public var nodes: [NumaTable.NodeInput]
    /// Why the node directory could not be listed; nil when it was (even empty).
    public var nodeListError: ReadError?
    /// Per-node files that could not be read, or the missing node directory.
    public var unavailable: [Unavailable]

    public init(nodes: [NumaTable.NodeInput], nodeListError: ReadError?, unavailable: [Unavailable]) {
        self.nodes = nodes
        self.nodeListError = nodeListError
        self.unavailable = unavailable
    }

    /// No node directories: `/proc/meminfo` stands in as node 0.
    public var isSingleNodeFallback: Bool { nodes.isEmpty }

    /// Lists the nodes and reads each one's meminfo and numastat; every file
    /// is optional. The one place that gathers the NUMA area.
    public static func read(_ root: ProcRoot, buffer: ReadBuffer) -> NumaReading {
        var attempt = SourceAttempt(root: root)
        var nodeIDs: [Int] = []
        var listError: ReadError?
        do { nodeIDs = try root.numaNodes() } catch { listError = error }
        if nodeIDs.isEmpty {
            // numastat exits here; memsleuth shows /proc/meminfo as node 0 and says so.
            attempt.record(Unavailable(
                source: "/sys/devices/system/node", reason: listError?.reason ?? "no node directories",
                remedy: "a kernel without CONFIG_NUMA has no per-node figures; /proc/meminfo is shown as node 0"))
        }
        var nodes: [NumaTable.NodeInput] = []
        for node in nodeIDs {
            let meminfo = attempt.read { () throws(SourceError) in try root.nodeMeminfo(node, buffer: buffer) }
            let numastat = attempt.read { () throws(SourceError) in try root.nodeNumastat(node, buffer: buffer) }
            nodes.append(NumaTable.NodeInput(node: node, meminfo: meminfo, numastat: numastat))
        }
        return NumaReading(nodes: nodes, nodeListError: listError, unavailable: attempt.unavailable)
    }

    /// The numastat table; `procMeminfo` gives the huge page size (numastat
    /// reads it there too) and stands in for the nodes when there are none.
    /// nil when there are no nodes and no `/proc/meminfo` either.
    public func table(procMeminfo: Meminfo?, pageSize: HostPageSize?) -> NumaTable? {
        var inputs = nodes
        if isSingleNodeFallback {
            guard let procMeminfo else { return nil }
            inputs = [NumaTable.NodeInput(node: 0, meminfo: NumaTable.singleNode(fromProcMeminfo: procMeminfo), numastat: nil)]
        }
        return NumaTable(nodes: inputs, pageSize: pageSize?.bytes, hugePageSize: procMeminfo?["Hugepagesize"])
    }
}
