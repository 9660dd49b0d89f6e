import ArgumentParser
import Diagnosis
import KernelFiles
import Rendering

extension Memsleuth {
    /// `memsleuth check`: one monitoring-plugin line with perfdata.
    struct Check: MemsleuthCommand {
        static let configuration = CommandConfiguration(
            abstract: "One line for Nagios/Icinga/Zabbix: state, used memory, findings, perfdata.",
            discussion: "Exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN, as the doctor's verdict.")

        @Option(name: .long, help: ArgumentHelp(
            "Read DIR/proc and DIR/sys instead of /proc and /sys.", valueName: "DIR"))
        var root: String = "/"
        @OptionGroup var thresholds: ThresholdOptions

        func validate() throws {
            guard !root.isEmpty else { throw ValidationError("--root needs a directory") }
        }

        var request: CheckRequest {
            CheckRequest(global: GlobalRequest(root: root, json: false), thresholds: thresholds.thresholds)
        }

        func execute(_ context: CommandContext) throws(CommandFailure) -> Int32 { try request.run(context) }
    }
}

/// What `memsleuth check` was asked.
struct CheckRequest: Equatable {
    var global: GlobalRequest
    var thresholds = DoctorThresholds()

    /// A monitoring system reads stdout and the exit code only: every
    /// failure becomes an UNKNOWN line, exit 3, on stdout.
    func run(_ context: CommandContext) -> Int32 {
        do {
            let report = try DoctorRequest.diagnose(global: global, thresholds: thresholds, context: context)
            context.out.write(CheckView.line(report, thresholds: thresholds))
            return report.exitCode
        } catch {
            context.out.write("MEMSLEUTH UNKNOWN - \(error.message)\n")
            return Severity.unknownExitCode
        }
    }
}
