import Diagnosis
@testable import MemsleuthCLI
import Testing
import TestSupport

/// Runs a request the way the command would, capturing stdout/stderr.
func runCaptured(_ body: (CommandContext) -> Int32) -> (stdout: String, stderr: String, exitCode: Int32) {
    let out = CapturedText()
    let err = CapturedText()
    let context = CommandContext(environment: CommandEnvironment(), out: out.sink, err: err.sink, sleep: { _ in })
    let code = body(context)
    return (out.text, err.text, code)
}

func runDoctor(_ root: String, json: Bool = false, thresholds: DoctorThresholds = DoctorThresholds())
    -> (stdout: String, stderr: String, exitCode: Int32) {
    runCaptured { context in
        do throws(CommandFailure) {
            return try DoctorRequest(global: GlobalRequest(root: root, json: json), thresholds: thresholds).run(context)
        } catch {
            context.err.write(error.message)
            return error.exitCode
        }
    }
}

func runCheck(_ root: String, thresholds: DoctorThresholds = DoctorThresholds()) -> (stdout: String, stderr: String, exitCode: Int32) {
    runCaptured { CheckRequest(global: GlobalRequest(root: root, json: false), thresholds: thresholds).run($0) }
}

@Suite struct DoctorCommandSmokeTests {
    @Test(arguments: Fixtures.kernelNames)
    func printsSomething(_ kernel: String) {
        let text = runDoctor(Fixtures.kernelPath(kernel))
        print(text.stdout)
        let check = runCheck(Fixtures.kernelPath(kernel))
        print(check.stdout, check.exitCode)
    }
}
