import Diagnosis

/// One host's memory risk as Prometheus last saw it. Every figure is
/// optional: a host whose series are missing keeps its row with dashes.
public struct FleetHost: Sendable, Equatable {
    /// The `instance` label.
    public var instance: String
    /// The `up` series: false when the last scrape failed, nil when absent.
    public var up: Bool?
    /// Used with reclaimable slab counted (the doctor's figure), 0…1.
    public var usedRatio: Double?
    /// procps `free`'s used (MemTotal − MemAvailable), 0…1.
    public var procpsUsedRatio: Double?
    /// Theil–Sen slope of `usedRatio` over the range, percentage points an hour.
    public var growthPointsPerHour: Double?
    /// Seconds until used crosses the critical threshold; 0 when already over.
    public var forecastSeconds: Double?
    public var forecastSource: ForecastSource?
    /// The most severe active finding (ties: see `FleetRanking.worse`).
    public var worstFinding: FleetFinding?
    /// How many findings are active.
    public var findingCount: Int
    public var topCache: FleetCache?
    /// The ranking's verdict: see `FleetRanking.risk`.
    public var risk: Severity

    public init(instance: String) {
        self.instance = instance
        findingCount = 0
        risk = .ok
    }

    public enum ForecastSource: String, Sendable {
        /// `memsleuth_forecast_seconds` from serve's own history.
        case serve
        /// fleet's Theil–Sen slope over Prometheus's range.
        case trend
    }
}

public struct FleetFinding: Sendable, Equatable {
    public var rule: String
    public var severity: Severity
}

public struct FleetCache: Sendable, Equatable {
    public var name: String
    public var bytes: Double
}

extension Severity {
    /// The severity label of `memsleuth_finding` (INFO, WARNING, CRITICAL).
    init?(label: String) {
        guard let match = Severity.allCases.first(where: { $0.name == label }) else { return nil }
        self = match
    }
}
