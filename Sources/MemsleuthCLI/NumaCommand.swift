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
        // gather: /proc/meminfo gives the huge page size and the single-node fallback.
        var attempt = SourceAttempt(root: root)
        let procMeminfo = attempt.read { () throws(SourceError) in try root.meminfo(buffer: buffer) }
        let reading = NumaReading.read(root, buffer: buffer)
        attempt.record(contentsOf: reading.unavailable)
        let pageSize = HostPageSize.of(root, buffer: buffer, meminfo: procMeminfo)
        // compute → render → print
        guard let table = reading.table(procMeminfo: procMeminfo, pageSize: pageSize) else {
            let cause = reading.nodeListError?.description
                ?? "no node directories in \(root.path("sys/devices/system/node"))"
            throw CommandFailure("\(cause), and /proc/meminfo could not be read either: no memory figures to show")
        }
        let context2 = NumaView.Context(isSingleNodeFallback: reading.isSingleNodeFallback, unavailable: attempt.unavailable)
        context.out.write(global.json ? NumaView.json(table, context2).rendered() + "\n" : NumaView.text(table, context2))
        return 0
    }
}
