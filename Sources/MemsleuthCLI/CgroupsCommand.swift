import ArgumentParser
import KernelFiles
import MemoryModel
import Rendering

extension Memsleuth {
    /// `memsleuth cgroups`
    struct Cgroups: MemsleuthCommand {
        static let configuration = CommandConfiguration(
            abstract: "Memory cgroups (v2, v1 or hybrid) by usage: limit, anon, file, slab, OOM kills, dying descendants.",
            discussion: "A host without a mounted cgroup hierarchy prints nothing and says why on stderr (exit 0).")

        @OptionGroup var global: GlobalOptions

        @Option(name: .long, help: ArgumentHelp("Show only the N largest cgroups.", valueName: "N"))
        var top: Int?

        func validate() throws {
            if let top, top < 0 { throw ValidationError("--top must be 0 or more") }
        }

        var request: CgroupsRequest { CgroupsRequest(global: global.request, top: top) }

        func execute(_ context: CommandContext) throws(CommandFailure) -> Int32 { try request.run(context) }
    }
}

/// What `memsleuth cgroups` was asked, however it was parsed.
struct CgroupsRequest: Equatable {
    var global: GlobalRequest
    var top: Int?

    func run(_ context: CommandContext) throws(CommandFailure) -> Int32 {
        let root = try global.procRoot(context.environment)
        let tree = CgroupTree.read(root: root, buffer: ReadBuffer(), top: top)
        if global.json {
            context.out.write(CgroupView.json(tree).rendered() + "\n")
        } else {
            if !tree.cgroups.isEmpty { context.out.write(CgroupView.text(tree)) }
            context.err.write(CgroupView.unavailableNotes(tree))
        }
        return 0
    }
}
