import ArgumentParser
import Diagnosis
import Foundation
import MemsleuthCLI

/// `memsleuth fleet --prometheus URL`: ranks the hosts a Prometheus server
/// scrapes by memory risk. Prometheus is the fleet engine; memsleuth adds no
/// collector of its own. Lives in the executable that holds `serve`.
public struct FleetCommand: MemsleuthCommand {
    public static let configuration = CommandConfiguration(
        commandName: "fleet",
        abstract: "Rank the hosts a Prometheus server scrapes by memory risk and forecast.",
        discussion: """
            Asks Prometheus's HTTP API (instant and range queries) about every host (instance label) \
            matching --selector that runs `memsleuth serve`, and ranks them: risk (the worst of the worst \
            finding, used against 80/90 %, a forecast to 90 % within 6 hours, a failed scrape), then used \
            counting reclaimable slab, then the forecast, then growth (Theil–Sen over --range). A host \
            missing some series keeps its row, with dashes.
            """)

    @Option(name: .long, help: ArgumentHelp("The Prometheus server's base URL.", valueName: "URL"))
    var prometheus: String

    @Option(name: .long, help: ArgumentHelp("Label matchers for the memsleuth targets.", valueName: "SELECTOR"))
    var selector: String = #"{job="memsleuth"}"#

    @Option(name: .long, help: ArgumentHelp("How far back growth is measured (30m, 6h, 1d).", valueName: "DURATION"))
    var range: String = "1h"

    @Option(name: .long, help: ArgumentHelp("Seconds to wait for each answer from Prometheus.", valueName: "SECONDS"))
    var timeout: Double = 10

    @Flag(name: .long, help: "One JSON document on stdout.")
    var json = false

    public init() {}

    public func validate() throws {
        guard PrometheusClient(base: prometheus) != nil else {
            throw ValidationError("--prometheus wants an http(s) URL like http://prometheus:9090, not \"\(prometheus)\"")
        }
        guard FleetSelector(selector) != nil else {
            throw ValidationError(#"--selector wants label matchers in braces, like {job="memsleuth"}, not "\#(selector)""#)
        }
        guard FleetDuration.seconds(range) != nil else {
            throw ValidationError("--range wants a duration like 30m, 6h or 1d, not \"\(range)\"")
        }
        guard timeout > 0, timeout.isFinite else { throw ValidationError("--timeout must be a positive number of seconds") }
    }

    var request: FleetRequest {
        FleetRequest(prometheus: prometheus, selector: FleetSelector(selector) ?? .default,
                     rangeSeconds: FleetDuration.seconds(range) ?? 3600, timeout: timeout, json: json)
    }

    public func execute(_ context: CommandContext) throws(CommandFailure) -> Int32 { try request.run(context) }
}

/// What `memsleuth fleet` was asked; tests build one with a transport that
/// answers from recorded files.
public struct FleetRequest: Sendable {
    public var prometheus: String
    public var selector: FleetSelector
    public var rangeSeconds: Double
    public var timeout: Double
    public var json: Bool
    /// The evaluation time; nil: now.
    public var time: Double?
    public var transport: any PrometheusTransport
    public var ranking = FleetRanking()

    public init(prometheus: String, selector: FleetSelector = .default, rangeSeconds: Double = 3600,
                timeout: Double = 10, json: Bool = false, time: Double? = nil,
                transport: any PrometheusTransport = HTTPClientTransport()) {
        self.prometheus = prometheus
        self.selector = selector
        self.rangeSeconds = rangeSeconds
        self.timeout = timeout
        self.json = json
        self.time = time
        self.transport = transport
    }

    /// gather (Prometheus) → rank → render. Exit 0, or 1 with one line.
    public func run(_ context: CommandContext) throws(CommandFailure) -> Int32 {
        let report = try gather()
        if json {
            context.out.write(FleetView.json(report).rendered() + "\n")
        } else {
            context.out.write(FleetView.text(report))
        }
        return 0
    }

    public func gather() throws(CommandFailure) -> FleetReport {
        guard let client = PrometheusClient(base: prometheus, transport: transport, timeout: timeout) else {
            throw CommandFailure("--prometheus wants an http(s) URL like http://prometheus:9090, not \"\(prometheus)\"",
                                 exitCode: 64)
        }
        let answers: FleetAnswers
        do {
            answers = try FleetAnswers.gather(client: client, selector: selector,
                                              time: time ?? Date().timeIntervalSince1970, rangeSeconds: rangeSeconds)
        } catch {
            throw CommandFailure(error.description)
        }
        let report = FleetReport(prometheus: client.base, selector: selector, answers: answers, ranking: ranking)
        guard !report.hosts.isEmpty else {
            throw CommandFailure(
                "Prometheus at \(client.base) has no series matching \(selector.text) (check --selector against its "
                    + "scrape config's job name; deploy/prometheus/scrape.yml names the job memsleuth)")
        }
        return report
    }
}

/// `--range`: `90s`, `30m`, `6h`, `1d`, `2w`.
enum FleetDuration {
    static func seconds(_ text: String) -> Double? {
        let units: [(Character, Double)] = [("s", 1), ("m", 60), ("h", 3600), ("d", 86400), ("w", 604_800)]
        guard let last = text.last, let scale = units.first(where: { $0.0 == last })?.1 else { return nil }
        let digits = text.dropLast()
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let count = Double(digits), count > 0
        else { return nil }
        return count * scale
    }
}
