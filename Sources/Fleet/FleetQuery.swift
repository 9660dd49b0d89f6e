/// The questions fleet asks Prometheus, one API call each. The raw value
/// names the recorded answer in `Tests/Fixtures/fleet/<name>.json`.
public enum FleetQuery: String, CaseIterable, Sendable {
    /// Every target the selector matches, scraped or not: a host whose
    /// memsleuth series are all missing still gets a row.
    case up
    /// The slab-counted used ratio now.
    case used
    /// procps's used ratio now, for contrast.
    case procpsUsed = "procps-used"
    /// The slab-counted used ratio over the range (a range query): growth.
    case usedRange = "used-range"
    /// serve's own forecast to the critical threshold.
    case forecast
    /// Active findings.
    case findings
    /// The largest slab cache per host.
    case topCache = "top-cache"

    public var isRange: Bool { self == .usedRange }

    public func promQL(_ selector: FleetSelector) -> String {
        switch self {
        case .up: return selector.series("up")
        case .used, .usedRange: return selector.series(FleetMetric.memoryUsedSlabCountedRatio)
        case .procpsUsed: return selector.series(FleetMetric.memoryUsedRatio)
        case .forecast: return selector.series(FleetMetric.forecastSeconds, #"threshold="critical""#)
        case .findings: return selector.series(FleetMetric.finding) + " == 1"
        case .topCache: return "topk by (instance) (1, \(selector.series(FleetMetric.slabCacheBytes)))"
        }
    }
}

/// Prometheus's answers to every `FleetQuery`, as of one time.
public struct FleetAnswers: Sendable, Equatable {
    public var series: [FleetQuery: [PrometheusSeries]]
    /// The evaluation time of the instant queries and the range's end (Unix seconds).
    public var time: Double
    /// The range query's span, seconds.
    public var rangeSeconds: Double

    public init(series: [FleetQuery: [PrometheusSeries]], time: Double, rangeSeconds: Double) {
        self.series = series
        self.time = time
        self.rangeSeconds = rangeSeconds
    }

    public subscript(_ query: FleetQuery) -> [PrometheusSeries] { series[query] ?? [] }

    /// Asks every question. The range query's step keeps it near 240 points
    /// (never under one second), enough for Theil–Sen, small for the server.
    public static func gather(client: PrometheusClient, selector: FleetSelector, time: Double,
                              rangeSeconds: Double) throws(PrometheusError) -> FleetAnswers {
        var series: [FleetQuery: [PrometheusSeries]] = [:]
        for query in FleetQuery.allCases {
            let promQL = query.promQL(selector)
            if query.isRange {
                let step = max(1, (rangeSeconds / 240).rounded(.up))
                series[query] = try client.range(promQL, start: time - rangeSeconds, end: time, step: step)
            } else {
                series[query] = try client.instant(promQL, at: time)
            }
        }
        return FleetAnswers(series: series, time: time, rangeSeconds: rangeSeconds)
    }
}
