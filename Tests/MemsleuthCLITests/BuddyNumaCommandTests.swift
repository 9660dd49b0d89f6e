@testable import MemsleuthCLI
import KernelFiles
import SystemPackage
import Testing
import TestSupport

@Suite struct BuddyNumaCommandTests {
    @Test(arguments: Fixtures.kernelNames)
    func buddyRunsOnEveryFixture(_ kernel: String) {
        let result = Invocation.capture(["buddy", "--root", Fixtures.kernelPath(kernel), "--json"])
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(result.stdout.contains("\"page_size\": 4096"))
        #expect(result.stdout.contains("\"unusable_index\""))
        let text = Invocation.capture(["buddy", "--root", Fixtures.kernelPath(kernel)])
        #expect(text.exitCode == 0 && text.stdout.contains("Unusable free space index"))
    }

    @Test(arguments: Fixtures.kernelNames)
    func numaRunsOnEveryFixture(_ kernel: String) {
        let result = Invocation.capture(["numa", "--root", Fixtures.kernelPath(kernel)])
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Per-node system memory usage (in MBs):"))
        if kernel.contains("3.10") { #expect(result.stdout.contains("          Node 0          Node 1           Total")) }
    }

    @Test func theIncidentHostInNumastatTerms() {
        let result = Invocation.capture(["numa", "--root", Fixtures.kernelPath("linux-2.6.32-rhel6")])
        // Slab 39242216 kB = 38322.48 MB; SReclaimable 38506072 kB = 37603.59 MB.
        #expect(result.stdout.contains("Slab                    38322.48        38322.48"))
        #expect(result.stdout.contains("SReclaimable            37603.59        37603.59"))
    }

    @Test func pagetypeinfoDeniedIsListedNotFatal() {
        let environment = CommandEnvironment(io: FaultyIO.failing(["proc/pagetypeinfo": .permissionDenied]))
        let result = Invocation.capture(["buddy", "--root", Fixtures.kernelPath("linux-5.15-ubuntu22"), "--json"], environment: environment)
        #expect(result.exitCode == 0)
        #expect(result.stdout.contains("\"source\": \"/proc/pagetypeinfo\""))
        #expect(result.stdout.contains("root-only since Linux 5.6"))
    }

    @Test func missingBuddyinfoFailsNamingTheFile() {
        let environment = CommandEnvironment(io: FaultyIO.failing(["proc/buddyinfo": .noSuchFileOrDirectory]))
        let result = Invocation.capture(["buddy", "--root", Fixtures.kernelPath("linux-5.15-ubuntu22")], environment: environment)
        #expect(result.exitCode == 1)
        #expect(result.stderr.contains("proc/buddyinfo"))
    }

    @Test func noNodeDirectoryFallsBackToProcMeminfoAndSaysSo() {
        // The sandbox capture has /proc/meminfo; hide its sys/devices/system/node.
        let environment = CommandEnvironment(io: FaultyIO.failing(["sys/devices/system/node": .noSuchFileOrDirectory]))
        let root = Fixtures.kernelPath("linux-6.18-sandbox")
        let text = Invocation.capture(["numa", "--root", root], environment: environment)
        #expect(text.exitCode == 0)
        #expect(text.stdout.hasPrefix("Note: no NUMA nodes under /sys/devices/system/node"))
        #expect(text.stdout.contains("MemUsed"))
        let json = Invocation.capture(["numa", "--root", root, "--json"], environment: environment)
        #expect(json.stdout.contains("\"single_node_fallback\": true"))
        #expect(json.stdout.contains("\"numa_hit\": null"))
    }

    @Test(arguments: [
        ["--json"], [], ["--root", "/tmp/x"], ["--root=/tmp/x", "--json"],
    ])
    func fastPathMatchesArgumentParser(_ arguments: [String]) throws {
        let buddy = try #require(BuddyRequest.fastParse(arguments[...]))
        let parsedBuddy = try #require(try Memsleuth.parseAsRoot(["buddy"] + arguments) as? Memsleuth.Buddy)
        #expect(buddy == parsedBuddy.request)
        let numa = try #require(NumaRequest.fastParse(arguments[...]))
        let parsedNuma = try #require(try Memsleuth.parseAsRoot(["numa"] + arguments) as? Memsleuth.Numa)
        #expect(numa == parsedNuma.request)
    }

    @Test func fastPathGivesUpOnAnythingElse() {
        #expect(BuddyRequest.fastParse(["--help"]) == nil)
        #expect(NumaRequest.fastParse(["-m"]) == nil)
        #expect(BuddyRequest.fastParse(["--root"]) == nil)
    }
}
