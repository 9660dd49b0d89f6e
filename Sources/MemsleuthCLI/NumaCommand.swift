import ArgumentParser
import KernelFiles
import MemoryModel
import Rendering

extension Memsleuth {
    /// `memsleuth numa`
    struct Numa: MemsleuthCommand {
        static let configuration = CommandConfiguration(
            abstract: "Memory per NUMA node as numastat -m prints it, with numa_hit/miss/foreign per node.")

        @OptionGroup var global: GlobalOptions

        var request: NumaRequest { NumaRequest(global: global.request) }

        func execute(_ context: CommandContext) throws(CommandFailure) -> Int32 { try request.run(context) }
    }
}

/// What `memsleuth numa` was asked, however it was parsed.
struct NumaRequest: Equatable {
    var global: GlobalRequest

    static func fastParse(_ arguments: ArraySlice<String>) -> NumaRequest? {
        var parser = FastArguments(arguments)
        guard parser.next() == nil, !parser.failed else { return nil }
        return NumaRequest(global: parser.global)
    }

    func run(_ context: CommandContext) throws(CommandFailure) -> Int32 {
        let root = try global.procRoot(context.environment)
        let buffer = ReadBuffer()
        var unavailable: [Unavailable] = []
        // gather: /proc/meminfo gives the huge page size (numastat reads it there too).
        var procMeminfo: KernelFiles.Meminfo?
        do { procMeminfo = try root.meminfo(buffer: buffer) } catch {
            unavailable.append(Unavailable(relative: "proc/meminfo", error: error))
        }
        var nodeIDs: [Int] = []
        var listError: ReadError?
        do { nodeIDs = try root.numaNodes() } catch { listError = error }
        var inputs: [NumaTable.NodeInput] = []
        let fallback = nodeIDs.isEmpty
        if fallback {
            // numastat exits here; memsleuth shows /proc/meminfo as node 0 and says so.
            guard let procMeminfo else {
                let cause = listError.map { "\($0.description)" } ?? "no node directories in \(root.path("sys/devices/system/node"))"
                throw CommandFailure("\(cause), and /proc/meminfo could not be read either: no memory figures to show")
            }
            inputs = [NumaTable.NodeInput(node: 0, meminfo: NumaTable.singleNode(fromProcMeminfo: procMeminfo), numastat: nil)]
            unavailable.append(Unavailable(
                source: "/sys/devices/system/node", reason: listError?.reason ?? "no node directories",
                remedy: "a kernel without CONFIG_NUMA has no per-node figures; /proc/meminfo is shown as node 0"))
        } else {
            for node in nodeIDs {
                var meminfo: KernelFiles.Meminfo?
                var numastat: Numastat?
                do { meminfo = try root.nodeMeminfo(node, buffer: buffer) } catch {
                    unavailable.append(Unavailable(relative: "sys/devices/system/node/node\(node)/meminfo", error: error))
                }
                do { numastat = try root.nodeNumastat(node, buffer: buffer) } catch {
                    unavailable.append(Unavailable(relative: "sys/devices/system/node/node\(node)/numastat", error: error))
                }
                inputs.append(NumaTable.NodeInput(node: node, meminfo: meminfo, numastat: numastat))
            }
        }
        let pageSize = HostPageSize.of(root, buffer: buffer)
        // compute → render → print
        let table = NumaTable(nodes: inputs, pageSize: pageSize?.bytes, hugePageSize: procMeminfo?["Hugepagesize"])
        let context2 = NumaView.Context(isSingleNodeFallback: fallback, unavailable: unavailable)
        context.out.write(global.json ? NumaView.json(table, context2).rendered() + "\n" : NumaView.text(table, context2))
        return 0
    }
}
