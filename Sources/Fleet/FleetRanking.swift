import Diagnosis

/// Turns Prometheus's answers into hosts ranked by memory risk. Pure: the
/// same answers (recorded in Tests/Fixtures/fleet) always rank the same.
///
/// Order: risk (CRITICAL first), then used (slab counted, highest first),
/// then the forecast (soonest first), then growth (fastest first), then the
/// instance name. A missing figure sorts after any present one.
public struct FleetRanking: Sendable {
    public var thresholds: DoctorThresholds
    /// A forecast to the critical threshold this close raises a WARNING, as
    /// the MemsleuthMemoryForecast90 alert does.
    public var forecastHorizonSeconds: Double

    public init(thresholds: DoctorThresholds = DoctorThresholds(), forecastHorizonSeconds: Double = 6 * 3600) {
        self.thresholds = thresholds
        self.forecastHorizonSeconds = forecastHorizonSeconds
    }

    public func rank(_ answers: FleetAnswers) -> [FleetHost] {
        var hosts: [String: FleetHost] = [:]
        func update(_ series: PrometheusSeries, _ change: (inout FleetHost) -> Void) {
            guard let instance = series.instance else { return }
            change(&hosts[instance, default: FleetHost(instance: instance)])
        }
        for series in answers[.up] {
            update(series) { host in host.up = series.value.map { $0.value == 1 } }
        }
        for series in answers[.used] {
            update(series) { host in host.usedRatio = series.value?.value.finite }
        }
        for series in answers[.procpsUsed] {
            update(series) { host in host.procpsUsedRatio = series.value?.value.finite }
        }
        for series in answers[.usedRange] {
            update(series) { host in host.growthPointsPerHour = Self.growth(series.values ?? []) }
        }
        for series in answers[.forecast] {
            update(series) { host in
                guard let seconds = series.value?.value.finite, seconds >= 0 else { return }
                host.forecastSeconds = min(host.forecastSeconds ?? .infinity, seconds)
                host.forecastSource = .serve
            }
        }
        for series in answers[.findings] {
            update(series) { host in
                host.findingCount += 1
                guard let rule = series.metric["rule"],
                      let severity = series.metric["severity"].flatMap(Severity.init(label:)) else { return }
                let finding = FleetFinding(rule: rule, severity: severity)
                if let worst = host.worstFinding, !Self.worse(finding, than: worst) { return }
                host.worstFinding = finding
            }
        }
        for series in answers[.topCache] {
            update(series) { host in
                guard let name = series.metric["cache"], let bytes = series.value?.value.finite else { return }
                if let current = host.topCache, current.bytes >= bytes { return }
                host.topCache = FleetCache(name: name, bytes: bytes)
            }
        }
        let ranked = hosts.values.map { host in
            var host = host
            fillForecast(&host, answers: answers)
            host.risk = risk(host)
            return host
        }
        return ranked.sorted(by: Self.riskier)
    }

    /// Without serve's forecast: when used grows, the seconds until the
    /// critical threshold at the Theil–Sen slope; 0 when already over.
    func fillForecast(_ host: inout FleetHost, answers: FleetAnswers) {
        let critical = thresholds.critPercent / 100
        if let used = host.usedRatio, used >= critical {
            host.forecastSeconds = 0
            host.forecastSource = host.forecastSource ?? .trend
            return
        }
        guard host.forecastSource == nil, let used = host.usedRatio,
              let growth = host.growthPointsPerHour, growth > 0 else { return }
        let perSecond = growth / 100 / 3600
        host.forecastSeconds = (critical - used) / perSecond
        host.forecastSource = .trend
    }

    /// The worst of: the worst finding; used against the doctor's
    /// thresholds; a forecast inside the horizon (WARNING); a failed scrape
    /// (WARNING: a host deep in reclaim stops answering scrapes too).
    public func risk(_ host: FleetHost) -> Severity {
        var level = host.worstFinding?.severity ?? .ok
        if let used = host.usedRatio {
            if used * 100 >= thresholds.critPercent {
                level = max(level, .critical)
            } else if used * 100 >= thresholds.warnPercent {
                level = max(level, .warning)
            }
        }
        if let seconds = host.forecastSeconds, seconds <= forecastHorizonSeconds { level = max(level, .warning) }
        if host.up == false { level = max(level, .warning) }
        return level
    }

    /// Severity first; among equals a cause before `memory.used` (the
    /// USED column already says how full the host is: the dentry rule
    /// says why), then the rule id, so the choice never depends on order.
    static func worse(_ a: FleetFinding, than b: FleetFinding) -> Bool {
        if a.severity != b.severity { return a.severity > b.severity }
        let aSymptom = a.rule == "memory.used", bSymptom = b.rule == "memory.used"
        if aSymptom != bSymptom { return bSymptom }
        return a.rule < b.rule
    }

    /// Theil–Sen slope of a ratio series in percentage points per hour;
    /// nil with fewer than two samples.
    static func growth(_ samples: [PrometheusSample]) -> Double? {
        let points = samples.compactMap { sample -> TrendPoint? in
            guard let value = sample.value.finite else { return nil }
            return TrendPoint(seconds: sample.time, value: value * 100)
        }
        guard points.count >= 2, let slope = TheilSen(points) else { return nil }
        return slope.perSecond * 3600
    }

    static func riskier(_ a: FleetHost, _ b: FleetHost) -> Bool {
        if a.risk != b.risk { return a.risk > b.risk }
        if let order = descending(a.usedRatio, b.usedRatio) { return order }
        if let order = ascending(a.forecastSeconds, b.forecastSeconds) { return order }
        if let order = descending(a.growthPointsPerHour, b.growthPointsPerHour) { return order }
        return a.instance < b.instance
    }

    /// true/false when the two differ (present beats missing), nil when equal.
    private static func descending(_ a: Double?, _ b: Double?) -> Bool? {
        switch (a, b) {
        case (nil, nil): return nil
        case (.some, nil): return true
        case (nil, .some): return false
        case (let x?, let y?): return x == y ? nil : x > y
        }
    }

    /// As `descending`, smallest first; missing still last.
    private static func ascending(_ a: Double?, _ b: Double?) -> Bool? {
        switch (a, b) {
        case (nil, nil): return nil
        case (.some, nil): return true
        case (nil, .some): return false
        case (let x?, let y?): return x == y ? nil : x < y
        }
    }
}

extension Double {
    /// nil for NaN and ±Inf (Prometheus sends them as values).
    var finite: Double? { isFinite ? self : nil }
}
