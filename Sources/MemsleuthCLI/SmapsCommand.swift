import ArgumentParser
import KernelFiles
import MemoryModel
import Rendering

extension Memsleuth {
    /// `memsleuth smaps PID`
    struct Smaps: MemsleuthCommand {
        static let configuration = CommandConfiguration(
            abstract: "Per mapping of a process: range, permissions, path, Size, Rss, Pss, shared/private clean/dirty, Swap, AnonHugePages; totals.")

        @OptionGroup var global: GlobalOptions

        @Argument(help: "The process id.", transform: ProcessTarget.pid)
        var pid: Int32

        var request: SmapsRequest { SmapsRequest(global: global.request, pid: pid) }

        func execute(_ context: CommandContext) throws(CommandFailure) -> Int32 { try request.run(context) }
    }
}

/// What `memsleuth smaps` was asked.
struct SmapsRequest: Equatable {
    var global: GlobalRequest
    var pid: Int32

    func run(_ context: CommandContext) throws(CommandFailure) -> Int32 {
        let root = try global.procRoot(context.environment)
        try ProcessTarget.requireExists(pid, in: root)
        let smaps: KernelFiles.Smaps
        do { smaps = try root.smaps(pid: pid, buffer: ReadBuffer()) } catch { throw ProcessTarget.failure(error, pid: pid) }
        let table = SmapsTable(smaps)
        context.out.write(global.json ? SmapsView.json(pid: pid, table).rendered() + "\n" : SmapsView.text(pid: pid, table))
        return 0
    }
}
