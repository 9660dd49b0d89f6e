import Foundation
import KernelFiles
@testable import MemsleuthCLI
import MemoryModel
import SystemPackage
import Testing
import TestSupport

@Suite struct PsCommandTests {
    static let sandbox = Fixtures.directory + "/processes/linux-6.18-sandbox"

    @Test func parsesItsOptionsIntoARequest() throws {
        let command = try #require(try Memsleuth.parseAsRoot(
            ["ps", "--sort", "pss", "--top", "3", "--by", "user", "--root", "/x", "--json"]) as? Memsleuth.Ps)
        #expect(command.request == PsRequest(
            global: GlobalRequest(root: "/x", json: true), sort: .pss, top: 3, grouping: .user))
        let plain = try #require(try Memsleuth.parseAsRoot(["ps"]) as? Memsleuth.Ps)
        #expect(plain.request == PsRequest(global: GlobalRequest(root: "/", json: false)))
    }

    @Test(arguments: [
        ["ps", "--sort", "cpu"], ["ps", "--by", "host"], ["ps", "--top", "0"], ["ps", "--top", "x"], ["ps", "--top", "-2"],
        ["ps", "extra"],
    ])
    func badUsageExits64(_ arguments: [String]) {
        let result = Invocation.capture(arguments)
        #expect(result.exitCode == 64, "\(arguments): \(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    @Test func printsTheFixtureTreeSortedByRss() {
        let result = Invocation.capture(["ps", "--root", Self.sandbox])
        #expect(result.exitCode == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 6, "header, 4 processes, totals:\n\(result.stdout)")
        #expect(lines[1].contains("23342") && lines[1].contains("python3"))
        #expect(lines[2].contains("a) (b"))
        #expect(lines[5].contains("total"))
        #expect(!result.stdout.contains("kworker"))
    }

    @Test func jsonTopAndGrouping() throws {
        let result = Invocation.capture(["ps", "--root", Self.sandbox, "--json", "--sort", "pss", "--top", "1"])
        #expect(result.exitCode == 0)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let processes = try #require(document["processes"] as? [[String: Any]])
        #expect(processes.count == 1)
        #expect(processes[0]["pid"] as? Int == 23342)
        #expect(processes[0]["pss_bytes"] as? Int == 56511 * 1024)
        #expect(processes[0]["start_time_ticks"] as? Int == 144437, "stat is read for the rows shown")
        #expect((processes[0]["cmdline"] as? String)?.hasPrefix("python3 -c") == true)
        #expect(processes[0]["cgroup"] is NSNull, "cgroup is read only for --by cgroup")
        let totals = try #require(document["totals"] as? [String: Any])
        #expect(totals["processes"] as? Int == 4)
        #expect(document["unreadable"] as? Int == 0)
        #expect((document["unavailable"] as? [Any])?.isEmpty == true)

        let grouped = Invocation.capture(["ps", "--root", Self.sandbox, "--by", "cgroup"])
        #expect(grouped.stdout.hasPrefix("CGROUP"))
        #expect(grouped.stdout.contains("/process_api/"))
    }

    @Test func saysHowManyProcessesItCouldNotRead() {
        let environment = CommandEnvironment(io: FaultyIO.failing(["23341/smaps_rollup": .permissionDenied]))
        let result = Invocation.capture(["ps", "--root", Self.sandbox], environment: environment)
        #expect(result.exitCode == 0)
        #expect(result.stdout.contains("unreadable: 1 (permission denied"))
    }

    @Test func aRootWithoutProcIsRefused() {
        let result = Invocation.capture(["ps", "--root", Fixtures.directory + "/malformed"])
        #expect(result.exitCode == 1)
        #expect(result.stderr.contains("neither proc/ nor sys/"))
    }
}
