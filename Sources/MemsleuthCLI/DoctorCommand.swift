#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import Diagnosis
import KernelFiles
import MemoryModel
import Rendering

extension Memsleuth {
    /// `memsleuth doctor` (and `memsleuth` alone): where the memory is and what is wrong.
    struct Doctor: MemsleuthCommand {
        static let configuration = CommandConfiguration(
            abstract: "Where the memory went and why: findings with evidence, explanation and remedies.",
            discussion: """
                Exit code by the worst finding, as a monitoring plugin: 0 OK (or INFO), 1 WARNING, \
                2 CRITICAL, 3 UNKNOWN (nothing could be read). "Used" is judged counting reclaimable \
                slab as used (free counts it as available); both figures are shown.
                """)

        @OptionGroup var global: GlobalOptions
        @OptionGroup var thresholds: ThresholdOptions
        @OptionGroup var history: DoctorHistoryOptions

        func validate() throws {
            if history.db != nil, global.bundle != nil {
                throw ValidationError("--db and --bundle cannot be used together (a bundle's samples are its history)")
            }
        }

        @Option(name: .long, help: ArgumentHelp(
            "Root only: trace a growing slab cache this long and add who allocates it to the finding (DoctorTrace.swift).",
            valueName: "DURATION"))
        var trace: DurationArgument?

        var request: DoctorRequest {
            DoctorRequest(global: global.request, thresholds: thresholds.thresholds, traceSeconds: trace?.seconds)
        }

        func execute(_ context: CommandContext) throws(CommandFailure) -> Int32 {
            // The store is read by memsleuth-history (GRDB stays out of this
            // binary): the same doctor runs there with the store's samples.
            if history.db != nil {
                throw HistoryForwarding.forward(["doctor"] + request.arguments + history.arguments, context: context)
            }
            // The live host with a recorder running: its store is the
            // history, unless told otherwise. Only in the real executable
            // (an in-process caller cannot be replaced by the sibling).
            if context.mayExec, !history.noHistory, global.rootOption == nil, global.bundle == nil,
               let store = DoctorHistoryOptions.defaultStore() {
                throw HistoryForwarding.forward(["doctor"] + request.arguments + ["--db", store], context: context)
            }
            return try request.run(context)
        }
    }
}

/// `--db` and `--since`: judge growth over the recorder's history.
public struct DoctorHistoryOptions: ParsableArguments {
    public init() {}

    @Option(name: .long, help: ArgumentHelp(
        "Judge growth and forecasts over this history store (written by `memsleuth record`).", valueName: "PATH"))
    public var db: String?

    // .unconditional: `--since -2d` is a value, not an unknown option.
    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp(
        "With --db: judge growth from this long ago (or this RFC 3339 time) on; default the last 24 hours.",
        valueName: "DURATION|TIME"))
    public var since: String?

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp(
        "With --db: judge the stored sample at or before TIME (RFC 3339 or -2h) instead of the host now.",
        valueName: "TIME"))
    public var at: String?

    @Flag(name: .long, help: "Judge the host now only, even when the recorder's store exists.")
    public var noHistory = false

    /// The recorder's store (`memsleuth record` without --db), when it exists.
    static func defaultStore() -> String? {
        guard let directory = StateDirectory.current() else { return nil }
        let path = StateDirectory.historyStore(in: directory)
        return access(path, R_OK) == 0 ? path : nil
    }

    public func validate() throws {
        if noHistory, db != nil { throw ValidationError("--no-history and --db contradict each other") }
        if let db { guard !db.isEmpty else { throw ValidationError("--db needs a path") } }
        if since != nil, db == nil { throw ValidationError("--since needs --db (the history to look back over)") }
        if at != nil, db == nil { throw ValidationError("--at needs --db (the history to look back into)") }
    }

    /// Back to the command line, for memsleuth-history.
    public var arguments: [String] {
        (db.map { ["--db", $0] } ?? []) + (since.map { ["--since=\($0)"] } ?? []) + (at.map { ["--at=\($0)"] } ?? [])
    }
}

/// `--warn` and `--crit`, shared by doctor and check.
public struct ThresholdOptions: ParsableArguments {
    public init() {}

    @Option(name: .long, help: ArgumentHelp("WARNING at this percentage of MemTotal used.", valueName: "PERCENT"))
    public var warn: Double = 80

    @Option(name: .long, help: ArgumentHelp("CRITICAL at this percentage of MemTotal used.", valueName: "PERCENT"))
    public var crit: Double = 90

    public func validate() throws {
        guard warn > 0, warn <= 100, crit > 0, crit <= 100 else {
            throw ValidationError("--warn and --crit are percentages between 0 and 100")
        }
        guard warn <= crit else { throw ValidationError("--warn (\(warn)) must not be above --crit (\(crit))") }
    }

    public var thresholds: DoctorThresholds { DoctorThresholds(warnPercent: warn, critPercent: crit) }
}

/// What `memsleuth doctor` was asked.
public struct DoctorRequest: Equatable, Sendable {
    public var global: GlobalRequest
    public var thresholds = DoctorThresholds()
    /// `--trace`: attribute a growing slab cache by tracing this long (root).
    public var traceSeconds: Double?
    /// With `--db`: attributions `record --trace-on-growth` stored, shown
    /// beside the findings about their caches.
    public var recorded: RecordedAttributions?

    public init(global: GlobalRequest, thresholds: DoctorThresholds = DoctorThresholds(), traceSeconds: Double? = nil,
                recorded: RecordedAttributions? = nil) {
        self.global = global
        self.thresholds = thresholds
        self.traceSeconds = traceSeconds
        self.recorded = recorded
    }

    /// The request as options again (for the sibling executable).
    var arguments: [String] {
        var out: [String] = []
        if let bundle = global.bundle { out += ["--bundle", bundle] } else if global.root != "/" { out += ["--root", global.root] }
        if global.json { out.append("--json") }
        if thresholds != DoctorThresholds() {
            out += ["--warn", "\(thresholds.warnPercent)", "--crit", "\(thresholds.critPercent)"]
        }
        if let traceSeconds { out += ["--trace", "\(traceSeconds)s"] }
        return out
    }

    public func run(_ context: CommandContext, history: [Snapshot]? = nil) throws(CommandFailure) -> Int32 {
        let report = try DoctorRequest.diagnose(global: global, thresholds: thresholds, context: context, history: history)
        return show(report, context)
    }

    /// Writes the report as text or JSON; the exit code by its verdict.
    public func show(_ report: DoctorReport, _ context: CommandContext) -> Int32 {
        var report = report
        if let recorded {
            let root = global.bundle == nil ? try? global.procRoot(context.environment) : nil
            DoctorTrace.attach(recorded, to: &report, root: root)
        }
        if let traceSeconds { DoctorTrace.attach(to: &report, seconds: traceSeconds, global: global, context: context) }
        if global.json {
            context.out.write(DoctorView.json(report).rendered() + "\n")
        } else {
            context.out.write(DoctorView.text(report, color: context.environment.useColor))
            context.out.write(RecentActions.doctorText(global: global))
        }
        return report.exitCode
    }

    /// gather → diagnose, shared with `check`. A knowledge base that does
    /// not parse (tests prevent it) is UNKNOWN, exit 3, one line.
    /// `history`: earlier samples from the store (oldest first), when the
    /// caller has them; a bundle's own samples otherwise.
    static func diagnose(global: GlobalRequest, thresholds: DoctorThresholds, context: CommandContext,
                         history: [Snapshot]? = nil) throws(CommandFailure) -> DoctorReport {
        // A bundle with several samples is history: the newest is judged,
        // the earlier ones give the rules their growth and forecasts.
        let bundle = try global.bundleReader(context.environment)
        let root: ProcRoot
        if let bundle { root = bundle.latest.root } else { root = try global.procRoot(context.environment) }
        let knowledgeBase = try knowledgeBase()
        var input = DiagnosisInput.gather(root: root)
        return diagnose(&input, bundle: bundle, history: history, thresholds: thresholds, knowledgeBase: knowledgeBase,
                        root: root)
    }

    /// A stored sample judged as "now": what the store kept of it (no
    /// tmpfs mounts, no suspects' maps and environment: docs/STORE.md).
    public static func diagnose(stored snapshot: Snapshot, history: [Snapshot], thresholds: DoctorThresholds)
        throws(CommandFailure) -> DoctorReport {
        var input = DiagnosisInput(snapshot: snapshot, processes: snapshot.processes, cgroups: snapshot.cgroups)
        return diagnose(&input, bundle: nil, history: history, thresholds: thresholds, knowledgeBase: try knowledgeBase())
    }

    static func knowledgeBase() throws(CommandFailure) -> KnowledgeBase {
        do { return try KnowledgeBase.embedded() } catch {
            throw CommandFailure("\(error) (please report this: the built-in knowledge base is damaged)",
                                 exitCode: Severity.unknownExitCode)
        }
    }

    static func diagnose(_ input: inout DiagnosisInput, bundle: BundleReader?, history: [Snapshot]?,
                         thresholds: DoctorThresholds, knowledgeBase: KnowledgeBase, root: ProcRoot? = nil) -> DoctorReport {
        if let history {
            input.history = history.filter { $0.time < input.snapshot.time }
        } else if let bundle {
            if let time = bundle.latest.time { input.snapshot.time = time }
            input.history = bundle.samples.dropLast().map { sample in
                var snapshot = SnapshotCollector(root: sample.root).collect()
                if let time = sample.time { snapshot.time = time }
                return snapshot
            }
        }
        if let root { input.readDetailsOfGrowingProcesses(root: root) }
        return Diagnosis.Doctor.diagnose(input, knowledgeBase: knowledgeBase, thresholds: thresholds)
    }
}
