import ArgumentParser
import Diagnosis
import KernelFiles
import MemoryModel
import Remedies
import Rendering

extension Memsleuth {
    /// `memsleuth fix`: the remedies that apply to the current findings;
    /// `fix --log` the applied actions; `fix --watch 10m` whether the cache
    /// grows back. The actions are subcommands, dry runs unless --apply.
    struct Fix: MemsleuthCommand {
        static let configuration = CommandConfiguration(
            abstract: "Safe remedies for the current findings: what each frees and costs; --apply to do one.",
            discussion: """
                Without a subcommand: lists the remedies memsleuth can carry out for the doctor's \
                findings now, with the expected effect in bytes and the cost. Every action is a dry run \
                unless --apply (root, live host only); applied actions are logged with before/after \
                figures (--log shows them). --watch DURATION samples the dentry cache and says whether \
                it grows back: a regrowing cache means its cause is still running.
                """,
            subcommands: [DropCachesAction.self, CachePressureAction.self, NegativeDentriesAction.self, NSSEnvAction.self])

        @OptionGroup var global: GlobalOptions
        @OptionGroup var thresholds: ThresholdOptions

        @Flag(name: .long, help: "Show the action log instead.")
        var log = false

        @Option(name: .long, help: ArgumentHelp("Watch the dentry cache this long (e.g. 10m) for regrowth.", valueName: "DURATION"))
        var watch: String?

        @Option(name: .long, help: ArgumentHelp("Time between --watch samples.", valueName: "DURATION"))
        var every: String = "10s"

        @OptionGroup var logOptions: FixLogOptions

        func validate() throws {
            if let watch, CommandDuration.nanoseconds(watch) == nil {
                throw ValidationError("--watch wants a duration like 30s, 10m or 1h, not \"\(watch)\"")
            }
            guard let step = CommandDuration.nanoseconds(every) else {
                throw ValidationError("--every wants a duration like 1s or 10s, not \"\(every)\"")
            }
            if let watch, let total = CommandDuration.nanoseconds(watch), total < step {
                throw ValidationError("--watch \(watch) is shorter than --every \(every)")
            }
            if log && watch != nil { throw ValidationError("--log and --watch cannot be used together") }
        }

        var request: FixListRequest {
            FixListRequest(global: global.request, thresholds: thresholds.thresholds, showLog: log,
                           watchNanoseconds: watch.flatMap(CommandDuration.nanoseconds),
                           everyNanoseconds: CommandDuration.nanoseconds(every) ?? 10_000_000_000,
                           environment: FixEnvironment(logDirectory: logOptions.logDirectory))
        }

        func execute(_ context: CommandContext) throws(CommandFailure) -> Int32 {
            if watch != nil { context.catchInterrupts() }
            return try request.run(context)
        }
    }
}

/// What `memsleuth fix` (no action) was asked.
struct FixListRequest {
    var global: GlobalRequest
    var thresholds = DoctorThresholds()
    var showLog = false
    var watchNanoseconds: Int64?
    var everyNanoseconds: Int64 = 10_000_000_000
    var environment = FixEnvironment()

    func run(_ context: CommandContext) throws(CommandFailure) -> Int32 {
        if showLog { return try runLog(context) }
        if let watchNanoseconds { return try FixWatch(request: self, totalNanoseconds: watchNanoseconds).run(context) }
        let report = try DoctorRequest.diagnose(global: global, thresholds: thresholds, context: context)
        let root = try global.procRoot(context.environment)
        let figures = CacheFigures.read(root)
        let sysctls = try? root.vmSysctls(buffer: ReadBuffer())
        let remedies = RemedyList.applicable(report, figures: figures, sysctls: sysctls)
        let recent = RecentActions.lines(global: global, environment: environment)
        if global.json {
            context.out.write(FixView.listJSON(remedies, report: report).rendered() + "\n")
        } else {
            context.out.write(FixView.list(remedies, report: report, recent: recent))
        }
        return 0
    }

    func runLog(_ context: CommandContext) throws(CommandFailure) -> Int32 {
        let log = try environment.log()
        let records: [ActionRecord]
        let skipped: Int
        do { (records, skipped) = try log.read() } catch {
            throw CommandFailure("cannot read \(log.path): \(error.errno.description)")
        }
        if global.json {
            context.out.write(FixView.logJSON(records, path: log.path).rendered() + "\n")
        } else {
            context.out.write(FixView.logText(records, path: log.path, skipped: skipped))
        }
        return 0
    }
}

/// The doctor's mention of what `fix` did lately (live host only: the log
/// belongs to this host, a capture or fixture has its own story).
enum RecentActions {
    static let window: Int64 = 24 * 3600

    /// One line per action of the last 24 h, oldest first; empty when none
    /// or when the log cannot be read (the doctor never fails over it).
    static func lines(global: GlobalRequest, environment: FixEnvironment = FixEnvironment()) -> [String] {
        guard global.bundle == nil, ProcRoot(global.root).isLive,
              let records = try? environment.records() else { return [] }
        let since = environment.now().seconds - window
        return ActionLog.recent(records, since: since).map(FixView.summary)
    }

    /// The doctor's paragraph, or "" when there is nothing to mention.
    static func doctorText(global: GlobalRequest) -> String {
        let lines = lines(global: global)
        guard !lines.isEmpty else { return "" }
        return "\nRecent actions (last 24 h; memsleuth fix --log):\n" + lines.map { "  \($0)\n" }.joined()
    }
}
