import ArgumentParser
import Diagnosis
import HistoryStore
import MemoryModel
import MemsleuthCLI
import Rendering

extension HistoryTool {
    /// `memsleuth diff T1 T2`: what grew or shrank between two times.
    struct Diff: MemsleuthCommand {
        static let configuration = CommandConfiguration(
            abstract: "What grew or shrank between two times: meminfo fields, slab caches, processes, cgroups.",
            discussion: """
                Each time picks the last sample at or before it, from the store (--db) or a bundle \
                (--bundle). Times: RFC 3339, `now`, or a duration ago (2h, 30m; with a minus, put `--` \
                before the times: `memsleuth diff -- -2h now`). Relative times count back from the clock, \
                or from a bundle's newest sample. Largest change first.
                """)

        @OptionGroup var global: GlobalOptions

        @Option(name: .long, help: ArgumentHelp("The history store (default: record's).", valueName: "PATH"))
        var db: String?

        @Argument(help: ArgumentHelp("The earlier time.", valueName: "T1"))
        var from: String

        @Argument(help: ArgumentHelp("The later time.", valueName: "T2"))
        var to: String

        func validate() throws {
            guard global.rootOption == nil else { throw ValidationError("diff reads --db or --bundle, not --root") }
            for time in [from, to] where TimeArgument.nanoseconds(time, now: 0) == nil {
                throw ValidationError("times are RFC 3339 (2026-11-25T02:10:00Z) or a duration ago (-2h), not \"\(time)\"")
            }
            if let db { guard !db.isEmpty else { throw ValidationError("--db needs a path") } }
        }

        var request: DiffRequest { DiffRequest(global: global.request, db: db, from: from, to: to) }

        func execute(_ context: CommandContext) throws(CommandFailure) -> Int32 { try request.run(context) }
    }
}

/// What `memsleuth diff` was asked.
struct DiffRequest: Equatable {
    var global: GlobalRequest
    var db: String?
    var from: String
    var to: String

    func run(_ context: CommandContext) throws(CommandFailure) -> Int32 {
        let source = try HistorySource.open(db: db, global: global, environment: context.environment)
        let nowNs = source.now()
        guard let t1 = TimeArgument.nanoseconds(from, now: nowNs), let t2 = TimeArgument.nanoseconds(to, now: nowNs) else {
            throw CommandFailure("bad time \"\(from)\" or \"\(to)\"", exitCode: 64)
        }
        guard let older = try source.snapshot(at: t1) else { throw CommandFailure("no sample at or before \(from) in the history") }
        guard let newer = try source.snapshot(at: t2) else { throw CommandFailure("no sample at or before \(to) in the history") }
        let diff = SnapshotDiff(older, newer)
        context.out.write(global.json ? HistoryView.diffJSON(diff).rendered() + "\n" : HistoryView.diffText(diff))
        return 0
    }
}
