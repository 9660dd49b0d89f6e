import ArgumentParser
import Diagnosis
import HistoryStore
import MemoryModel
import MemsleuthCLI
import Rendering

extension HistoryTool {
    /// `memsleuth history`: a past snapshot, or one series over time.
    struct History: MemsleuthCommand {
        static let configuration = CommandConfiguration(
            abstract: "Look back: a snapshot at a past time, or one series as a table, a sparkline and its trend.",
            discussion: """
                Reads the store `record` writes (--db, default as record's) or a bundle's samples (--bundle). \
                Times: RFC 3339 (2026-11-25T02:10:00Z) or a duration ago (-2h, 30m, 1d). Series: \
                meminfo.<Field>, slab.<cache>.bytes, slab.<cache>.objects, dentry.nr_dentry, dentry.nr_unused, \
                dentry.nr_negative, cgroup.<path>.current, process.<pid>.rss, process.<pid>.pss.
                """)

        @OptionGroup var global: GlobalOptions

        @Option(name: .long, help: ArgumentHelp("The history store (default: record's).", valueName: "PATH"))
        var db: String?

        // .unconditional: `--at -2h` is a value, not an unknown option.
        @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Show the snapshot of the last sample at or before TIME.", valueName: "TIME"))
        var at: String?

        @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("With --series: from this long ago (or this time) to now.", valueName: "DURATION|TIME"))
        var since: String = "6h"

        @Option(name: .long, help: ArgumentHelp("One series over time, e.g. meminfo.Slab.", valueName: "NAME"))
        var series: String?

        func validate() throws {
            guard global.rootOption == nil else { throw ValidationError("history reads --db or --bundle, not --root") }
            guard (at == nil) != (series == nil) else { throw ValidationError("give one of --at TIME or --series NAME") }
            if let at { guard TimeArgument.nanoseconds(at, now: 0) != nil else { throw ValidationError("--at wants RFC 3339 or -2h, not \"\(at)\"") } }
            guard TimeArgument.nanoseconds(since, now: 0) != nil else {
                throw ValidationError("--since wants a duration (6h, 30m) or RFC 3339, not \"\(since)\"")
            }
            if let series { guard SeriesName(series) != nil else { throw ValidationError("unknown series \"\(series)\" (see --help for the names)") } }
            if let db { guard !db.isEmpty else { throw ValidationError("--db needs a path") } }
        }

        var request: HistoryRequest { HistoryRequest(global: global.request, db: db, at: at, since: since, series: series) }

        func execute(_ context: CommandContext) throws(CommandFailure) -> Int32 { try request.run(context) }
    }
}

/// What `memsleuth history` was asked.
struct HistoryRequest: Equatable {
    var global: GlobalRequest
    var db: String?
    var at: String?
    var since = "6h"
    var series: String?

    func run(_ context: CommandContext) throws(CommandFailure) -> Int32 {
        let source = try HistorySource.open(db: db, global: global, environment: context.environment)
        let nowNs = source.now()
        if let at {
            guard let time = TimeArgument.nanoseconds(at, now: nowNs) else { throw CommandFailure("bad --at \"\(at)\"", exitCode: 64) }
            guard let snapshot = try source.snapshot(at: time) else {
                throw CommandFailure("no sample at or before \(at) in the history")
            }
            context.out.write(global.json ? SnapshotView.json(snapshot).rendered() + "\n" : HistoryView.summaryText(snapshot))
            return 0
        }
        guard let seriesText = series, let name = SeriesName(seriesText) else { throw CommandFailure("give --at or --series", exitCode: 64) }
        guard let from = TimeArgument.nanoseconds(since, now: nowNs) else { throw CommandFailure("bad --since \"\(since)\"", exitCode: 64) }
        let points = name.points(try source.snapshots(from: from, to: .max))
        if global.json {
            context.out.write(HistoryView.seriesJSON(name: seriesText, points: points).rendered() + "\n")
        } else if points.isEmpty {
            context.out.write("no samples of \(seriesText) since \(since)\n")
        } else {
            context.out.write(HistoryView.seriesText(name: seriesText, points: points, bytes: name.isBytes))
        }
        return 0
    }
}
