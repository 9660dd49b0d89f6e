import KernelFiles
@testable import MemsleuthCLI
import MemoryModel
import Testing
import TestSupport

/// Runs `CgroupsRequest` directly: `cgroups` is not in Memsleuth.swift's
/// subcommand list yet, so this builds the context as `Invocation.capture` does.
func runCgroups(_ request: CgroupsRequest, environment: CommandEnvironment = CommandEnvironment())
    -> (stdout: String, stderr: String, exitCode: Int32)
{
    let out = CapturedText()
    let err = CapturedText()
    let context = CommandContext(environment: environment, out: out.sink, err: err.sink, sleep: { _ in })
    let code: Int32
    do { code = try request.run(context) } catch {
        err.sink.write("memsleuth: \(error.message)\n")
        code = error.exitCode
    }
    return (out.text, err.text, code)
}

func cgroupFixture(_ name: String) -> String { Fixtures.directory + "/cgroups/" + name }

@Suite struct CgroupsCommandTests {
    static let fixtures = ["linux-3.10-rhel7-v1", "linux-5.15-ubuntu22-v2", "linux-6.18-sandbox-hybrid"]

    @Test(arguments: fixtures)
    func printsATableOnEveryCgroupFixture(_ name: String) {
        let result = runCgroups(CgroupsRequest(global: GlobalRequest(root: cgroupFixture(name), json: false)))
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("CGROUP"))
        #expect(result.stdout.contains("USAGE  LIMIT  ANON  FILE  SLAB  DYING"))
        #expect(result.stderr.isEmpty, "\(result.stderr)")
    }

    @Test func printsTheV2Tree() {
        let result = runCgroups(CgroupsRequest(global: GlobalRequest(root: cgroupFixture("linux-5.15-ubuntu22-v2"), json: false), top: 3))
        print(result.stdout)
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 5)
    }

    @Test func printsJSON() {
        let result = runCgroups(CgroupsRequest(global: GlobalRequest(root: cgroupFixture("linux-3.10-rhel7-v1"), json: true), top: 2))
        print(result.stdout)
        let hybrid = runCgroups(CgroupsRequest(global: GlobalRequest(root: cgroupFixture("linux-6.18-sandbox-hybrid"), json: false)))
        print(hybrid.stdout)
    }
}
