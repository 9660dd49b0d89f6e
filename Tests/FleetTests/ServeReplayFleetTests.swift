import Foundation
import MemsleuthCLI
import Testing
import TestSupport

@testable import Fleet

/// Issue 7's end-to-end test with the real things: three `memsleuth serve
/// --bundle FILE --replay` instances, each replaying a recorded host, a real
/// Prometheus scraping them with the deploy alert rules, and `fleet` asking
/// that Prometheus. The incident host (the RHEL 6 load balancer, 81 % used
/// counting its dentry cache) must rank first and its alerts fire; the
/// healthy host must raise none.
@Suite(.serialized, .enabled(if: prometheusAvailable, "needs prometheus and promtool (Debian package prometheus)"))
struct ServeReplayFleetTests {
    struct Host {
        var instance: String
        var bundle: String
    }

    static let hosts = [
        Host(instance: "lb-healthy", bundle: Fixtures.directory + "/incidents/healthy-small"),
        Host(instance: "lb-incident", bundle: Fixtures.directory + "/incidents/dentry-leak-rhel6"),
        // Nine real samples of a negative-dentry storm, 45 s apart, replayed 30× faster.
        Host(instance: "lb-storm", bundle: Fixtures.directory + "/workloads/dentry-storm.tar.gz"),
    ]

    /// `memsleuth serve` (the real binary, as a user runs it) on a free port.
    static func startServe(_ host: Host, in directory: String) throws -> StartedTarget {
        let process = try RunningProcess(
            BuiltBinary.path, ["serve", "--listen", "127.0.0.1:0", "--bundle", host.bundle, "--replay", "--speed", "30"],
            logPath: "\(directory)/\(host.instance).log")
        guard let line = process.firstLine(), let range = line.range(of: "127.0.0.1:"),
              let port = Int(line[range.upperBound...].prefix { $0.isNumber }) else {
            process.stop()
            throw HarnessError("memsleuth serve for \(host.instance) did not print its address: \(process.log)")
        }
        return StartedTarget(target: .init(address: "127.0.0.1:\(port)", instance: host.instance), process: process)
    }

    @Test func fleetRanksTheReplayedIncidentFirstAndItsAlertsFire() throws {
        let directory = try makeTemporaryDirectory("memsleuth-fleet-serve")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let targets = try Self.hosts.map { try Self.startServe($0, in: directory) }
        defer { targets.forEach { $0.process.stop() } }
        let e2e = FleetEndToEndTests()
        let rules = try e2e.liveRules(in: directory)
        let prometheus = try PrometheusServer(directory: directory, targets: targets.map(\.target), ruleFiles: [rules])
        defer { prometheus.stop() }
        try e2e.waitForSamples(prometheus, hosts: Self.hosts.count)

        let run = Invocation.capture(["--prometheus", prometheus.url, "--range", "5m", "--json"], root: FleetCommand.self)
        #expect(run.exitCode == 0, "\(run.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let ranked = try #require(document["hosts"] as? [[String: Any]])
        #expect(ranked.first?["instance"] as? String == "lb-incident", "\(ranked.map { $0["instance"] ?? "?" })")
        #expect(ranked.first?["risk"] as? String == "CRITICAL")
        #expect((ranked.first?["top_slab_cache"] as? [String: Any])?["name"] as? String == "dentry")
        #expect(ranked.last?["instance"] as? String == "lb-healthy")

        let firing = try e2e.waitForAlerts(prometheus, expected: [
            // 80.9 % used counting its dentry cache (free says 86 %, no MemAvailable there).
            ("MemsleuthMemoryUsedHigh", "lb-incident"), ("MemsleuthCriticalFinding", "lb-incident"),
            ("MemsleuthDentryCacheGrowth", "lb-storm"),
        ])
        #expect(!firing.contains { $0.instance == "lb-healthy" }, "the healthy host raised \(firing)")
    }
}
