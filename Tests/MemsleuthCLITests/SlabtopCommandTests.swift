import ArgumentParser
import KernelFiles
@testable import MemsleuthCLI
import MemoryModel
import SystemPackage
import Testing
import TestSupport

@Suite struct SlabtopCommandTests {
    @Test(arguments: Fixtures.kernelNames)
    func printsOnceOnEveryFixtureKernel(_ kernel: String) {
        let result = Invocation.capture(["slabtop", "--once", "--root", Fixtures.kernelPath(kernel)])
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix(" Active / Total Objects (% used)    : "))
        #expect(result.stdout.contains("\n  OBJS ACTIVE  USE OBJ SIZE  SLABS OBJ/SLAB CACHE SIZE NAME"))
        #expect(result.stdout.contains(" dentry "))
    }

    @Test func theIncidentHostShowsDentryFirst() throws {
        let result = Invocation.capture(["slabtop", "--once", "--sort", "size", "--root", Fixtures.kernelPath("linux-2.6.32-rhel6")])
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        let first = try #require(lines.count > 7 ? lines[7] : nil)
        #expect(first == "194000000 193998211  99%    0.19K 9700000       20  38800000K dentry                 ")
    }

    @Test func jsonCarriesAliasesOnlyWhereSysfsHasThem() throws {
        let result = Invocation.capture(["slabtop", "--json", "--root", Fixtures.kernelPath("linux-5.15-ubuntu22")])
        #expect(result.exitCode == 0)
        #expect(result.stdout.contains("\"aliases\": [\n        \"file_lock_cache\",\n        \"ip4-frags\"\n      ]"))
        #expect(result.stdout.contains("\"totals\": {"))
        let rhel6 = Invocation.capture(["slabtop", "--json", "--root", Fixtures.kernelPath("linux-2.6.32-rhel6")])
        #expect(rhel6.stdout.contains("\"source\": \"/sys/kernel/slab\""), "SLAB kernel: no sysfs directory, listed as unavailable")
        #expect(rhel6.stdout.contains("\"aliases\": null"))
        #expect(rhel6.stdout.contains("\"limit\": 120"))
    }

    @Test func permissionDeniedSaysWhatToDo() {
        var environment = CommandEnvironment()
        environment.io = FaultyIO.failing(["/proc/slabinfo": .permissionDenied])
        let result = Invocation.capture(["slabtop", "--once"], environment: environment)
        #expect(result.exitCode == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr == "memsleuth: cannot read /proc/slabinfo: permission denied (slab data needs root; run with sudo or grant CAP_SYS_ADMIN)\n")
    }

    @Test func malformedSlabinfoNamesTheLine() {
        let result = Invocation.capture(["slabtop", "--once", "--root", Fixtures.directory + "/malformed/slabinfo-root"])
        #expect(result.exitCode == 1)
        #expect(result.stderr.hasPrefix("memsleuth: cannot parse "))
        #expect(result.stderr.contains("/proc/slabinfo line 3: expected a decimal count"))
    }

    @Test func refreshesInPlaceOnATerminal() {
        let environment = CommandEnvironment(isTerminal: true, terminalRows: 12)
        let result = Invocation.capture(["slabtop", "--root", Fixtures.kernelPath("linux-5.15-ubuntu22")],
                                        environment: environment, maxFrames: 2)
        #expect(result.exitCode == 0)
        let frames = result.stdout.components(separatedBy: "\u{1B}[H\u{1B}[2J").filter { !$0.isEmpty }
        #expect(frames.count == 2)
        for frame in frames {
            #expect(frame.contains("CACHE SIZE    GROWTH NAME"))
            #expect(frame.split(separator: "\n").count == 5 + 1 + 4, "rows - 8 caches on a 12-row terminal")
        }
    }

    @Test(arguments: [
        ["--once"], ["--json"], ["--once", "--sort", "name"], ["--sort=size", "--json"], ["--root", "/tmp", "--once"],
        ["--sort", "growth"], ["--once", "--root=/tmp", "--sort", "active"], [],
    ])
    func fastParseAgreesWithArgumentParser(_ arguments: [String]) throws {
        let fast = try #require(SlabtopRequest.fastParse(arguments[...]))
        let parsed = try #require(try Memsleuth.parseAsRoot(["slabtop"] + arguments) as? Memsleuth.Slabtop)
        #expect(fast == parsed.request)
    }

    @Test(arguments: [["--sort", "bogus"], ["--sort"], ["--delay", "1"], ["-o"], ["--root"], ["--help"]])
    func fastParseLeavesTheRestToArgumentParser(_ arguments: [String]) {
        #expect(SlabtopRequest.fastParse(arguments[...]) == nil)
    }

    @Test func badDelayIsAUsageError() {
        #expect(Invocation.capture(["slabtop", "--delay", "0"]).exitCode == 64)
        #expect(Invocation.capture(["slabtop", "--sort", "bogus"]).exitCode == 64)
    }
}
