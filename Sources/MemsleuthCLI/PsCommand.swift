import ArgumentParser
import KernelFiles
import MemoryModel
import Rendering

extension Memsleuth {
    /// `memsleuth ps`
    struct Ps: MemsleuthCommand {
        static let configuration = CommandConfiguration(
            abstract: "Per-process memory: top's VIRT/RES/SHR and smem's PSS/USS/Swap, with totals.",
            discussion: """
                Other users' smaps_rollup (PSS, USS) needs root; without it those figures are \
                left empty and the processes counted as unreadable.
                """)

        @OptionGroup var global: GlobalOptions

        @Option(name: .long, help: "Order, largest first: rss (the default), pss, uss, swap or vsz.")
        var sort: PsSortOption = .rss

        @Option(name: .long, help: ArgumentHelp("Show only the first N rows.", valueName: "N"))
        var top: Int?

        @Option(name: .long, help: "One row per process (the default), or summed by user, command or cgroup.")
        var by: PsGroupingOption = .process

        func validate() throws {
            if let top, top < 1 { throw ValidationError("--top wants a positive number of rows") }
        }

        var request: PsRequest {
            PsRequest(global: global.request, sort: sort.key, top: top, grouping: by.key)
        }

        func execute(_ context: CommandContext) throws(CommandFailure) -> Int32 { try request.run(context) }
    }
}

/// `--sort` values for argument-parser.
enum PsSortOption: String, ExpressibleByArgument, CaseIterable {
    case rss, pss, uss, swap, vsz

    var key: ProcessTable.SortKey { ProcessTable.SortKey(rawValue: rawValue) ?? .rss }
}

/// `--by` values for argument-parser.
enum PsGroupingOption: String, ExpressibleByArgument, CaseIterable {
    case process, user, command, cgroup

    var key: ProcessTable.Grouping { ProcessTable.Grouping(rawValue: rawValue) ?? .process }
}

/// What `memsleuth ps` was asked.
struct PsRequest: Equatable {
    var global: GlobalRequest
    var sort: ProcessTable.SortKey = .rss
    var top: Int?
    var grouping: ProcessTable.Grouping = .process

    func run(_ context: CommandContext) throws(CommandFailure) -> Int32 {
        let root = try global.procRoot(context.environment)
        let buffer = ReadBuffer()
        let sweeper = ProcessSweeper(root: root, pageSize: HostPageSize.bytesOrAssumed(HostPageSize.of(root, buffer: buffer)), buffer: buffer)
        sweeper.readsCgroup = grouping == .cgroup
        let sweep: ProcessSweep
        do { sweep = try sweeper.sweep() } catch { throw CommandFailure(.read(error)) }
        var table = ProcessTable(sweep: sweep, sort: sort, top: top, grouping: grouping)
        if global.json && grouping == .process {
            // start_time_ticks and cmdline, for the rows shown only.
            table.unavailable += sweeper.readDetails(&table.rows)
        }
        context.out.write(global.json ? PsView.json(table).rendered() + "\n" : PsView.text(table))
        return 0
    }
}
