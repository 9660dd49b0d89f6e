import Foundation
import MemsleuthCLI
import Testing
import TestSupport

@testable import Fleet

/// In CI the real tools must be there (.ci/run installs Debian's
/// `prometheus`); elsewhere the tests that need them are skipped.
let prometheusAvailable = PrometheusServer.isInstalled || ProcessInfo.processInfo.environment["CI"] != nil

/// A real Prometheus on loopback scraping three hosts every second, one of
/// them the incident: fleet ranks the incident first, and the deploy alert
/// rules fire for it in the live server.
@Suite(.serialized, .enabled(if: prometheusAvailable, "needs prometheus and promtool (Debian package prometheus)"))
struct FleetEndToEndTests {
    /// Scrapes a live Prometheus needs before fleet and the rules have
    /// enough samples for a slope.
    static let samplesWanted = 8

    @Test func fleetRanksTheIncidentFirstAndTheAlertsFire() throws {
        let directory = try makeTemporaryDirectory("memsleuth-fleet-e2e")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let hosts = [StandInHost.steady, StandInHost.incident, StandInHost.rising]
        let targets = try startTargets(hosts, in: directory)
        defer { targets.forEach { $0.process.stop() } }
        let rules = try liveRules(in: directory)
        let prometheus = try PrometheusServer(directory: directory, targets: targets.map(\.target), ruleFiles: [rules])
        defer { prometheus.stop() }
        try waitForSamples(prometheus, hosts: hosts.count)

        // fleet, in-process, as a user runs it.
        let run = Invocation.capture(["--prometheus", prometheus.url, "--range", "5m", "--json"], root: FleetCommand.self)
        #expect(run.exitCode == 0, "\(run.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let ranked = try #require(document["hosts"] as? [[String: Any]])
        #expect(ranked.map { $0["instance"] as? String } == ["lb-incident", "lb-rising", "lb-steady"])
        let first = try #require(ranked.first)
        #expect(first["risk"] as? String == "CRITICAL")
        #expect((first["worst_finding"] as? [String: Any])?["rule"] as? String == "slab.dentry.negative-growth")
        #expect((first["top_slab_cache"] as? [String: Any])?["name"] as? String == "dentry")
        #expect(ranked[1]["risk"] as? String == "WARNING")
        #expect(ranked[1]["forecast_source"] as? String == "trend")
        #expect(ranked[2]["risk"] as? String == "INFO")

        let text = Invocation.capture(["--prometheus", prometheus.url, "--range", "5m"], root: FleetCommand.self)
        #expect(text.exitCode == 0)
        let firstRow = text.stdout.split(separator: "\n").first { $0.hasPrefix("   1") || $0.hasPrefix("1 ") }
        #expect(firstRow?.contains("lb-incident") == true, "\(text.stdout)")

        // The deploy rules, live.
        let firing = try waitForAlerts(prometheus, expected: [
            ("MemsleuthMemoryUsedCritical", "lb-incident"), ("MemsleuthMemoryUsedHigh", "lb-incident"),
            ("MemsleuthDentryCacheGrowth", "lb-incident"), ("MemsleuthCriticalFinding", "lb-incident"),
            ("MemsleuthMemoryForecast90", "lb-rising"),
        ])
        let quiet = firing.filter { $0.instance == "lb-steady" }
        #expect(quiet.isEmpty, "no alert may fire for the healthy host: \(quiet)")
        #expect(!firing.contains { $0.name == "MemsleuthMemoryForecast90" && $0.instance == "lb-incident" },
                "the forecast alert is for hosts not yet over 90 %")

        if ProcessInfo.processInfo.environment["MEMSLEUTH_RECORD_FLEET"] != nil {
            try recordFixtures(prometheus)
            Issue.record("recorded Tests/Fixtures/fleet/answers; unset MEMSLEUTH_RECORD_FLEET and run again")
        }
    }

    /// The deploy rule file with every `for:` shortened to 1 s, so alerts
    /// fire within a test's seconds; the expressions are the deploy file's
    /// own (promtool tests the real `for:` durations).
    func liveRules(in directory: String) throws -> String {
        let original = try String(contentsOfFile: DeployFiles.alertRules, encoding: .utf8)
        var changed = 0
        let lines = original.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            guard line.trimmingCharacters(in: .whitespaces).hasPrefix("for:") else { return String(line) }
            changed += 1
            return String(line.prefix { $0 == " " }) + "for: 1s"
        }
        #expect(changed >= 5)
        let path = directory + "/memsleuth-alerts.yml"
        try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func waitForSamples(_ prometheus: PrometheusServer, hosts: Int) throws {
        let query = "count_over_time(memsleuth_memory_used_slab_counted_ratio[5m]) >= \(Self.samplesWanted)"
        let deadline = Date().addingTimeInterval(90)
        while Date() < deadline {
            let answer = try? prometheus.api("/api/v1/query?query=" + PrometheusClient.encode(query))
            let result = (answer?["data"] as? [String: Any])?["result"] as? [Any]
            if result?.count == hosts { return }
            Thread.sleep(forTimeInterval: 0.5)
        }
        throw HarnessError("Prometheus never had \(Self.samplesWanted) samples of every host: \(prometheus.log.suffix(2000))")
    }

    struct Alert: Equatable, CustomStringConvertible {
        var name: String
        var instance: String
        var state: String
        var description: String { "\(name)(\(instance)):\(state)" }
    }

    /// Polls /api/v1/alerts until every expected (alert, instance) fires;
    /// returns what fires then.
    func waitForAlerts(_ prometheus: PrometheusServer, expected: [(String, String)]) throws -> [Alert] {
        let deadline = Date().addingTimeInterval(60)
        var alerts: [Alert] = []
        while Date() < deadline {
            let answer = try prometheus.api("/api/v1/alerts")
            let list = ((answer["data"] as? [String: Any])?["alerts"] as? [[String: Any]]) ?? []
            alerts = list.compactMap { alert in
                guard let labels = alert["labels"] as? [String: String], let name = labels["alertname"],
                      let instance = labels["instance"], let state = alert["state"] as? String else { return nil }
                return Alert(name: name, instance: instance, state: state)
            }
            let firing = alerts.filter { $0.state == "firing" }
            if expected.allSatisfy({ want in firing.contains { $0.name == want.0 && $0.instance == want.1 } }) {
                return firing
            }
            Thread.sleep(forTimeInterval: 0.5)
        }
        Issue.record("expected alerts did not all fire within 60 s; active: \(alerts)")
        return alerts
    }

    /// Writes Prometheus's raw answers to fleet's queries into
    /// Tests/Fixtures/fleet/answers (for FleetRankingTests).
    func recordFixtures(_ prometheus: PrometheusServer) throws {
        let directory = Fixtures.directory + "/fleet/answers"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let recorder = RecordingTransport(HTTPClientTransport())
        let request = FleetRequest(prometheus: prometheus.url, rangeSeconds: 300, transport: recorder)
        _ = try request.gather()
        for (query, body) in recorder.bodies() {
            try body.write(to: URL(fileURLWithPath: "\(directory)/\(query).json"))
        }
    }
}
