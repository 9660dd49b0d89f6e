import Foundation
import Testing
import TestSupport

/// Views that run until stopped end cleanly on SIGINT and SIGTERM: exit 0,
/// every frame printed whole.
@Suite struct InterruptTests {
    @Test(arguments: [(["vmstat", "1"], SIGINT), (["vmstat", "1"], SIGTERM), (["free", "-s", "1"], SIGINT)])
    func stopsCleanly(_ arguments: [String], _ signal: Int32) throws {
        let process = Foundation.Process()
        process.executableURL = URL(fileURLWithPath: BuiltBinary.path)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        usleep(1_500_000)
        kill(process.processIdentifier, signal)
        // Never hang the suite: a process that ignores the signal fails the
        // test and is killed.
        var waited = 0
        while process.isRunning && waited < 50 { usleep(100_000); waited += 1 }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            Issue.record("\(arguments) ignored signal \(signal) for 5 s")
        }
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationReason == .exit, "\(arguments) died of the signal instead of stopping")
        #expect(process.terminationStatus == 0)
        #expect(output.hasSuffix("\n"), "the last frame is whole")
        #expect(output.split(separator: "\n").count >= 2)
    }
}
