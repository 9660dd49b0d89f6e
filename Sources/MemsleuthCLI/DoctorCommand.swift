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

        @Option(name: .long, help: ArgumentHelp(
            "Root only: trace a growing slab cache this long and add who allocates it to the finding (DoctorTrace.swift).",
            valueName: "DURATION"))
        var trace: DurationArgument?

        var request: DoctorRequest {
            DoctorRequest(global: global.request, thresholds: thresholds.thresholds, traceSeconds: trace?.seconds)
        }

        func execute(_ context: CommandContext) throws(CommandFailure) -> Int32 { try request.run(context) }
    }
}

/// `--warn` and `--crit`, shared by doctor and check.
struct ThresholdOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("WARNING at this percentage of MemTotal used.", valueName: "PERCENT"))
    var warn: Double = 80

    @Option(name: .long, help: ArgumentHelp("CRITICAL at this percentage of MemTotal used.", valueName: "PERCENT"))
    var crit: Double = 90

    func validate() throws {
        guard warn > 0, warn <= 100, crit > 0, crit <= 100 else {
            throw ValidationError("--warn and --crit are percentages between 0 and 100")
        }
        guard warn <= crit else { throw ValidationError("--warn (\(warn)) must not be above --crit (\(crit))") }
    }

    var thresholds: DoctorThresholds { DoctorThresholds(warnPercent: warn, critPercent: crit) }
}

/// What `memsleuth doctor` was asked.
struct DoctorRequest: Equatable {
    var global: GlobalRequest
    var thresholds = DoctorThresholds()
    var traceSeconds: Double?

    func run(_ context: CommandContext) throws(CommandFailure) -> Int32 {
        var report = try DoctorRequest.diagnose(global: global, thresholds: thresholds, context: context)
        if let traceSeconds { DoctorTrace.attach(to: &report, seconds: traceSeconds, global: global, context: context) }
        if global.json {
            context.out.write(DoctorView.json(report).rendered() + "\n")
        } else {
            context.out.write(DoctorView.text(report, color: context.environment.useColor))
        }
        return report.exitCode
    }

    /// gather → diagnose, shared with `check`. A knowledge base that does
    /// not parse (tests prevent it) is UNKNOWN, exit 3, one line.
    static func diagnose(global: GlobalRequest, thresholds: DoctorThresholds,
                         context: CommandContext) throws(CommandFailure) -> DoctorReport {
        // A bundle with several samples is history: the newest is judged,
        // the earlier ones give the rules their growth and forecasts.
        let bundle = try global.bundleReader(context.environment)
        let root: ProcRoot
        if let bundle { root = bundle.latest.root } else { root = try global.procRoot(context.environment) }
        let knowledgeBase: KnowledgeBase
        do { knowledgeBase = try KnowledgeBase.embedded() } catch {
            throw CommandFailure("\(error) (please report this: the built-in knowledge base is damaged)",
                                 exitCode: Severity.unknownExitCode)
        }
        var input = DiagnosisInput.gather(root: root)
        if let bundle {
            if let time = bundle.latest.time { input.snapshot.time = time }
            input.history = bundle.samples.dropLast().map { sample in
                var snapshot = SnapshotCollector(root: sample.root).collect()
                if let time = sample.time { snapshot.time = time }
                return snapshot
            }
        }
        return Diagnosis.Doctor.diagnose(input, knowledgeBase: knowledgeBase, thresholds: thresholds)
    }
}
