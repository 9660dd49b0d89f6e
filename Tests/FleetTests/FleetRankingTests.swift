import Diagnosis
import Foundation
import MemsleuthCLI
import Testing
import TestSupport

@testable import Fleet

/// Ranking on Prometheus's recorded answers (Tests/Fixtures/fleet/answers,
/// recorded by FleetEndToEndTests from a real Prometheus scraping the three
/// stand-in hosts; MEMSLEUTH_RECORD_FLEET=1 re-records) and on small
/// hand-made series for the edge cases.
struct FleetRankingTests {
    static let base = "http://prometheus.test:9090"

    func report(_ transport: FixtureTransport = FixtureTransport()) throws(CommandFailure) -> FleetReport {
        try FleetRequest(prometheus: Self.base, rangeSeconds: 300, time: 1_795_603_624, transport: transport).gather()
    }

    @Test func recordedAnswersRankTheIncidentFirst() throws {
        let hosts = try report().hosts
        #expect(hosts.map(\.instance) == ["lb-incident", "lb-rising", "lb-steady"])
        let incident = try #require(hosts.first)
        #expect(incident.risk == .critical)
        #expect(incident.up == true)
        #expect(try #require(incident.usedRatio) > 0.9)
        #expect(try #require(incident.procpsUsedRatio) < 0.5)
        #expect(incident.worstFinding == FleetFinding(rule: "slab.dentry.negative-growth", severity: .critical),
                "the cause, not memory.used, when both are CRITICAL")
        #expect(incident.findingCount == 2)
        #expect(incident.topCache?.name == "dentry")
        #expect(incident.forecastSeconds == 0, "already over 90 %: now")
        let rising = hosts[1]
        #expect(rising.risk == .warning)
        #expect(try #require(rising.growthPointsPerHour) > 30, "0.01 points a second is 36 an hour")
        #expect(rising.forecastSource == .trend)
        #expect(try #require(rising.forecastSeconds) < 6 * 3600)
        #expect(hosts[2].risk == .info)
        #expect(hosts[2].forecastSeconds == nil || hosts[2].forecastSeconds! > 6 * 3600)
    }

    @Test func textTableRanksAndExplains() throws {
        let text = FleetView.text(try report())
        let rows = text.split(separator: "\n").map(String.init)
        let header = try #require(rows.firstIndex { $0.contains("RANK") })
        #expect(rows[header + 1].contains("lb-incident") && rows[header + 1].contains("CRITICAL"))
        #expect(rows[header + 1].contains("dentry"))
        #expect(rows[header + 1].contains("now"))
        #expect(text.contains("memsleuth doctor"))
    }

    @Test func jsonKeysAreTheContract() throws {
        let json = FleetView.json(try report()).rendered()
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(Set(document.keys) == ["prometheus", "selector", "time", "range_seconds", "thresholds", "hosts"])
        let host = try #require((document["hosts"] as? [[String: Any]])?.first)
        #expect(Set(host.keys) == [
            "rank", "instance", "up", "risk", "used_percent", "procps_used_percent", "growth_points_per_hour",
            "forecast_seconds", "forecast_source", "worst_finding", "findings", "top_slab_cache",
        ])
        #expect(host["rank"] as? Int == 1)
        #expect(host["used_percent"] as? Double == 93)
        #expect((host["top_slab_cache"] as? [String: Any])?["bytes"] as? Int ?? 0 > 7_000_000_000)
    }

    @Test func hostsMissingSeriesKeepTheirRowWithDashes() throws {
        let report = try report(FixtureTransport(missing: [.used, .procpsUsed, .usedRange, .topCache, .findings]))
        #expect(report.hosts.count == 3, "every host `up` knows stays")
        #expect(report.hosts.allSatisfy { $0.usedRatio == nil && $0.topCache == nil })
        let text = FleetView.text(report)
        let row = try #require(text.split(separator: "\n").first { $0.contains("lb-incident") })
        #expect(row.split(separator: " ").filter { $0 == "-" }.count >= 5, "\(row)")
        let json = FleetView.json(report).rendered()
        #expect(json.contains("\"used_percent\": null"))
    }

    @Test func noSeriesAtAllIsAnErrorNamingTheSelector() {
        let all = Set(FleetQuery.allCases)
        #expect(throws: CommandFailure.self) { try report(FixtureTransport(missing: all)) }
        do {
            _ = try report(FixtureTransport(missing: all))
        } catch {
            #expect(error.message.contains(#"{job="memsleuth"}"#))
            #expect(error.message.contains(Self.base))
        }
    }

    // MARK: hand-made answers

    static func vector(_ instance: String, _ value: Double, _ labels: [String: String] = [:]) -> PrometheusSeries {
        PrometheusSeries(metric: labels.merging(["instance": instance]) { a, _ in a },
                         value: PrometheusSample(time: 1000, value: value))
    }

    @Test func aDownHostIsAWarningAndSaysSo() throws {
        let answers = FleetAnswers(series: [
            .up: [Self.vector("a", 1), Self.vector("b", 0)],
            .used: [Self.vector("a", 0.5)],
        ], time: 1000, rangeSeconds: 3600)
        let hosts = FleetRanking().rank(answers)
        #expect(hosts.map(\.instance) == ["b", "a"])
        #expect(hosts[0].risk == .warning)
        let report = FleetReport(prometheus: Self.base, selector: .default, answers: answers, ranking: FleetRanking())
        #expect(FleetView.text(report).contains("b (down)"))
    }

    @Test func servesForecastWinsOverTheTrendAndRaisesAWarningInsideSixHours() {
        let rising = PrometheusSeries(metric: ["instance": "a"], values: (0..<60).map {
            PrometheusSample(time: Double($0) * 60, value: 0.5 + 0.001 * Double($0))
        })
        let answers = FleetAnswers(series: [
            .used: [Self.vector("a", 0.56), Self.vector("b", 0.60)],
            .usedRange: [rising],
            .forecast: [Self.vector("b", 3 * 3600, ["threshold": "critical"])],
        ], time: 3600, rangeSeconds: 3600)
        let hosts = FleetRanking().rank(answers)
        let a = hosts.first { $0.instance == "a" }
        let b = hosts.first { $0.instance == "b" }
        #expect(b?.forecastSource == .serve && b?.forecastSeconds == 3 * 3600)
        #expect(b?.risk == .warning)
        // 0.1 point a minute = 6 points an hour: 34 points to go ≈ 5.7 h.
        #expect(abs((a?.growthPointsPerHour ?? 0) - 6) < 1e-9)
        #expect(a?.forecastSource == .trend)
        #expect(abs((a?.forecastSeconds ?? 0) - 34.0 / 6 * 3600) < 1)
        #expect(a?.risk == .warning)
        #expect(hosts.map(\.instance) == ["b", "a"], "same risk: higher used first")
    }

    @Test func worstFindingIsTheMostSevereAndCountsTheRest() {
        let answers = FleetAnswers(series: [
            .findings: [
                Self.vector("a", 1, ["rule": "pagecache.healthy", "severity": "INFO"]),
                Self.vector("a", 1, ["rule": "slab.dentry.negative-growth", "severity": "WARNING"]),
                Self.vector("a", 1, ["rule": "nss.sdb-cache", "severity": "WARNING"]),
            ],
        ], time: 1000, rangeSeconds: 3600)
        let host = FleetRanking().rank(answers)[0]
        #expect(host.worstFinding == FleetFinding(rule: "nss.sdb-cache", severity: .warning))
        #expect(host.findingCount == 3)
        #expect(host.risk == .warning)
        #expect(FleetView.finding(host) == "WARNING nss.sdb-cache (+2)")
    }

    @Test func missingFiguresSortAfterPresentOnes() {
        let answers = FleetAnswers(series: [
            .up: [Self.vector("z", 1), Self.vector("m", 1), Self.vector("a", 1)],
            .used: [Self.vector("z", 0.2), Self.vector("m", 0.3)],
        ], time: 1000, rangeSeconds: 3600)
        #expect(FleetRanking().rank(answers).map(\.instance) == ["m", "z", "a"])
    }

    @Test func durationsForPeople() {
        #expect(FleetView.duration(nil) == "-")
        #expect(FleetView.duration(0) == "now")
        #expect(FleetView.duration(90) == "90s")
        #expect(FleetView.duration(3000) == "50m")
        #expect(FleetView.duration(5 * 3600) == "5.0h")
        #expect(FleetView.duration(10 * 86400) == "10d")
    }
}

/// The selector, the URLs and the errors: what the user sees when
/// Prometheus is wrong or away.
struct PrometheusClientTests {
    @Test func selectorCombinesWithEachQuerysOwnMatchers() throws {
        let selector = try #require(FleetSelector(#" {job="memsleuth", env="prod",} "#))
        #expect(selector.series("up") == #"up{job="memsleuth", env="prod"}"#)
        #expect(FleetQuery.forecast.promQL(selector)
            == #"memsleuth_forecast_seconds{job="memsleuth", env="prod",threshold="critical"}"#)
        #expect(FleetSelector("{}")?.series("up", #"a="b""#) == #"up{a="b"}"#)
        #expect(FleetSelector(#"job="memsleuth""#) == nil)
        #expect(FleetSelector("") == nil)
    }

    @Test func parametersArePercentEncodedPlusSignsIncluded() throws {
        let client = try #require(PrometheusClient(base: "http://p:9090/prefix/"))
        #expect(client.base == "http://p:9090/prefix")
        let url = try #require(client.url("query", ["query": #"a{b="c"} + 1"#, "time": "10.000"]))
        #expect(url.absoluteString == "http://p:9090/prefix/api/v1/query?query=a%7Bb%3D%22c%22%7D%20%2B%201&time=10.000")
        #expect(PrometheusClient(base: "prometheus:9090") == nil)
        #expect(PrometheusClient(base: "ftp://p") == nil)
    }

    @Test func anAPIErrorNamesTheURLAndTheSelector() {
        let body = #"{"status":"error","errorType":"bad_data","error":"1:6: parse error: unexpected \"=\""}"#
        let transport = FixtureTransport(fixed: HTTPAnswer(status: 400, body: Data(body.utf8)))
        let request = FleetRequest(prometheus: "http://p:9090", transport: transport)
        do {
            _ = try request.gather()
            Issue.record("expected a failure")
        } catch {
            #expect(error.message.hasPrefix("Prometheus at http://p:9090/api/v1/query answered 400 bad_data: 1:6: parse error"))
            #expect(error.message.contains("--selector"))
            #expect(error.exitCode == 1)
        }
    }

    @Test func aServerThatIsNotPrometheusIsSaidSo() {
        let transport = FixtureTransport(fixed: HTTPAnswer(status: 404, body: Data("404 page not found".utf8)))
        do {
            _ = try FleetRequest(prometheus: "http://p:9090/api/v1", transport: transport).gather()
            Issue.record("expected a failure")
        } catch {
            #expect(error.message.contains("answered HTTP 404 without the Prometheus API's JSON"))
            #expect(error.message.contains("base address"))
        }
    }

    @Test func aWrongResultTypeIsAnError() {
        let body = #"{"status":"success","data":{"resultType":"scalar","result":[]}}"#
        let transport = FixtureTransport(fixed: HTTPAnswer(status: 200, body: Data(body.utf8)))
        #expect(throws: CommandFailure.self) { try FleetRequest(prometheus: "http://p:9090", transport: transport).gather() }
    }

    /// The real transport against a loopback port nothing listens on.
    @Test func unreachablePrometheusNamesTheURLAndWhatToCheck() throws {
        let port = try #require(freeLoopbackPort())
        let run = Invocation.capture(["--prometheus", "http://127.0.0.1:\(port)", "--timeout", "5"], root: FleetCommand.self)
        #expect(run.exitCode == 1)
        #expect(run.stdout.isEmpty)
        #expect(run.stderr.hasPrefix("memsleuth: cannot reach Prometheus at http://127.0.0.1:\(port): "), "\(run.stderr)")
        #expect(run.stderr.contains("(curl http://127.0.0.1:\(port)/-/ready)"))
    }

    @Test func badArgumentsAreUsageErrors() {
        for arguments in [["--prometheus", "prometheus:9090"], ["--prometheus", "http://p:9090", "--selector", "job=x"],
                          ["--prometheus", "http://p:9090", "--range", "1hour"], []] {
            let run = Invocation.capture(arguments, root: FleetCommand.self)
            #expect(run.exitCode == 64, "\(arguments): \(run.stderr)")
            #expect(run.stdout.isEmpty)
        }
    }
}
