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
        #expect(result.stdout.hasPrefix("CGROUP "))
        #expect(result.stdout.contains("USAGE  LIMIT   ANON   FILE"))
        #expect(result.stdout.contains("SLAB  DYING\n"))
        #expect(result.stderr.isEmpty, "\(result.stderr)")
    }

    @Test func v2TableRowsAndTopNote() {
        let result = runCgroups(CgroupsRequest(global: GlobalRequest(root: cgroupFixture("linux-5.15-ubuntu22-v2"), json: false), top: 2))
        #expect(result.stdout == """
            CGROUP                                   USAGE  LIMIT   ANON   FILE  SLAB  DYING
            /system.slice                            1.7Gi    max  584Mi  1.1Gi  85Mi   1530
            /system.slice/docker-4f1c2a9e8b7d.scope  504Mi  512Mi  384Mi   96Mi  20Mi      0
            (2 of 5 memory cgroups)
            1536 dying memory cgroups on this host (removed, still pinned by page cache or slab)

            """)
    }

    @Test func jsonKeysAreTheContract() {
        let result = runCgroups(CgroupsRequest(global: GlobalRequest(root: cgroupFixture("linux-3.10-rhel7-v1"), json: true), top: 1))
        #expect(result.exitCode == 0)
        for key in ["\"version\": 1", "\"cgroups\": [", "\"path\": \"/\"", "\"current_bytes\": 3825205248",
                    "\"limit_bytes\": null", "\"anon_bytes\": 987623424", "\"file_bytes\": 2818572288",
                    "\"kernel_bytes\": 0", "\"slab_reclaimable_bytes\": null", "\"slab_unreclaimable_bytes\": null",
                    "\"sock_bytes\": null", "\"shmem_bytes\": null", "\"oom_kill\": null", "\"nr_dying_descendants\": null",
                    "\"unavailable\": []"] {
            #expect(result.stdout.contains(key), "\(key)")
        }
        let hybrid = runCgroups(CgroupsRequest(global: GlobalRequest(root: cgroupFixture("linux-6.18-sandbox-hybrid"), json: true)))
        #expect(hybrid.stdout.hasPrefix("{\n  \"version\": \"hybrid\","))
        let v2 = runCgroups(CgroupsRequest(global: GlobalRequest(root: cgroupFixture("linux-5.15-ubuntu22-v2"), json: true)))
        #expect(v2.stdout.hasPrefix("{\n  \"version\": 2,"))
        #expect(v2.stdout.contains("\"limit_bytes\": 536870912"))
        #expect(v2.stdout.contains("\"oom_kill\": 2"))
    }

    @Test func noCgroupsIsNotAFailure() {
        let text = runCgroups(CgroupsRequest(global: GlobalRequest(root: cgroupFixture("no-cgroup-mount"), json: false)))
        #expect(text.exitCode == 0)
        #expect(text.stdout.isEmpty)
        #expect(text.stderr.hasPrefix("memsleuth: /sys/fs/cgroup: no cgroup2 or cgroup v1 memory hierarchy is mounted"))
        let json = runCgroups(CgroupsRequest(global: GlobalRequest(root: Fixtures.kernelPath("linux-2.6.32-rhel6"), json: true)))
        #expect(json.exitCode == 0)
        #expect(json.stdout.contains("\"version\": null"))
        #expect(json.stdout.contains("\"source\": \"/proc/self/mountinfo\""))
    }

    @Test func parsesItsOptions() throws {
        let command = try Memsleuth.Cgroups.parse(["--top", "3", "--json", "--root", "/tmp"])
        #expect(command.request == CgroupsRequest(global: GlobalRequest(root: "/tmp", json: true), top: 3))
        #expect(throws: (any Error).self) { try Memsleuth.Cgroups.parse(["--top", "-1"]) }
    }
}
