import ArgumentParser
import KernelFiles
import MemoryModel
import Rendering

extension Memsleuth {
    /// `memsleuth snapshot`
    struct Snapshot: MemsleuthCommand {
        static let configuration = CommandConfiguration(
            abstract: "One JSON document with every view the host allows: what record stores and serve serves.",
            discussion: """
                Always JSON (--json is accepted and changes nothing). A section whose source could \
                not be read is null and listed in "unavailable" with the reason and what to do; \
                the command fails only when nothing could be read.
                """)

        @OptionGroup var global: GlobalOptions

        @Option(name: .long, help: ArgumentHelp(
            "How many processes to list, by resident memory (totals cover all).", valueName: "N"))
        var top: Int = SnapshotView.defaultProcessCount

        @Flag(name: .long, help: "Leave out the per-process sweep and the cgroups (faster on busy hosts).")
        var systemOnly = false

        func validate() throws {
            guard top >= 0 else { throw ValidationError("--top must be 0 or more") }
        }

        var request: SnapshotRequest { SnapshotRequest(root: global.root, top: top, systemOnly: systemOnly, bundle: global.bundle) }

        func execute(_ context: CommandContext) throws(CommandFailure) -> Int32 { try request.run(context) }
    }
}

/// What `memsleuth snapshot` was asked, however it was parsed. No `json`:
/// the output is JSON either way.
struct SnapshotRequest: Equatable {
    var root: String
    var top = SnapshotView.defaultProcessCount
    var systemOnly = false
    /// `--bundle FILE`: its latest sample.
    var bundle: String? = nil

    func run(_ context: CommandContext) throws(CommandFailure) -> Int32 {
        let root = try GlobalRequest(root: root, json: true, bundle: bundle).procRoot(context.environment)
        let snapshot = SnapshotCollector(
            root: root, includeProcesses: !systemOnly, includeCgroups: !systemOnly
        ).collect()
        guard snapshot.hasMemoryData else {
            let first = snapshot.unavailable.first
            // One line: where, the first cause, and what --root should look like.
            throw CommandFailure("nothing could be read under \(root.isLive ? "/" : root.prefix)"
                + (first.map { ": " + $0.line } ?? "")
                + (root.isLive ? "" : "; --root wants a directory laid out like /, e.g. a bundle's samples/0000"))
        }
        context.out.write(SnapshotView.json(snapshot, processCount: top).rendered() + "\n")
        return 0
    }
}
