import Diagnosis
import Rendering

/// What `memsleuth fleet` prints: a ranked table for people, one JSON
/// document for scripts. JSON keys are a contract (docs/CLI.md).
public struct FleetReport: Sendable {
    public var prometheus: String
    public var selector: FleetSelector
    public var answers: FleetAnswers
    public var ranking: FleetRanking
    public var hosts: [FleetHost]

    public init(prometheus: String, selector: FleetSelector, answers: FleetAnswers, ranking: FleetRanking) {
        self.prometheus = prometheus
        self.selector = selector
        self.answers = answers
        self.ranking = ranking
        hosts = ranking.rank(answers)
    }
}

public enum FleetView {
    public static func text(_ report: FleetReport) -> String {
        let crit = CFormat.format("%g", report.ranking.thresholds.critPercent)
        var table = TextTable([
            ("RANK", .right), ("HOST", .left), ("RISK", .left), ("USED", .right), ("PROCPS", .right),
            ("GROWTH/H", .right), ("TO \(crit) %", .right), ("WORST FINDING", .left), ("TOP SLAB CACHE", .left),
        ])
        for (index, host) in report.hosts.enumerated() {
            table.append([
                "\(index + 1)", host.instance + (host.up == false ? " (down)" : ""), host.risk.name,
                percent(host.usedRatio), percent(host.procpsUsedRatio), growth(host.growthPointsPerHour),
                duration(host.forecastSeconds), finding(host), cache(host.topCache),
            ])
        }
        let count = report.hosts.count
        var out = "\(count) host\(count == 1 ? "" : "s") matching \(report.selector.text) in \(report.prometheus), "
            + "growth over the last \(duration(report.answers.rangeSeconds))\n\n"
        out += table.rendered()
        out += "\nUSED counts reclaimable slab as used (the doctor's figure); PROCPS is free's "
            + "(MemTotal - MemAvailable). Run `memsleuth doctor` on a host for its evidence and remedies.\n"
        return out
    }

    public static func json(_ report: FleetReport) -> JSONValue {
        .object([
            ("prometheus", .string(report.prometheus)),
            ("selector", .string(report.selector.text)),
            ("time", .double(report.answers.time)),
            ("range_seconds", .double(report.answers.rangeSeconds)),
            ("thresholds", .object([
                ("warn_percent", .double(report.ranking.thresholds.warnPercent)),
                ("crit_percent", .double(report.ranking.thresholds.critPercent)),
            ])),
            ("hosts", .array(report.hosts.enumerated().map { index, host in hostJSON(host, rank: index + 1) })),
        ])
    }

    static func hostJSON(_ host: FleetHost, rank: Int) -> JSONValue {
        .object([
            ("rank", .int(Int64(rank))),
            ("instance", .string(host.instance)),
            ("up", host.up.map(JSONValue.bool) ?? .null),
            ("risk", .string(host.risk.name)),
            ("used_percent", .double(host.usedRatio.map { rounded($0 * 100, 0.01) })),
            ("procps_used_percent", .double(host.procpsUsedRatio.map { rounded($0 * 100, 0.01) })),
            ("growth_points_per_hour", .double(host.growthPointsPerHour.map { rounded($0, 0.001) })),
            ("forecast_seconds", .double(host.forecastSeconds.map { rounded($0, 1) })),
            ("forecast_source", .string(host.forecastSource?.rawValue)),
            ("worst_finding", host.worstFinding.map { finding in
                .object([("rule", .string(finding.rule)), ("severity", .string(finding.severity.name))])
            } ?? .null),
            ("findings", .int(Int64(host.findingCount))),
            ("top_slab_cache", host.topCache.map { cache in
                .object([("name", .string(cache.name)), ("bytes", .uint(UInt64(max(0, cache.bytes))))])
            } ?? .null),
        ])
    }

    /// To a multiple of `step`: the figures are estimates, and 55.120000000000005 % helps no one.
    static func rounded(_ value: Double, _ step: Double) -> Double { (value / step).rounded() / (1 / step) }

    static let dash = "-"

    static func percent(_ ratio: Double?) -> String {
        guard let ratio else { return dash }
        return CFormat.oneDecimal(ratio * 100) + "%"
    }

    static func growth(_ pointsPerHour: Double?) -> String {
        guard let pointsPerHour else { return dash }
        return (pointsPerHour >= 0 ? "+" : "") + CFormat.twoDecimals(pointsPerHour)
    }

    /// 0 → "now"; under two hours in minutes; under four days in hours; else days.
    static func duration(_ seconds: Double?) -> String {
        guard let seconds else { return dash }
        if seconds <= 0 { return "now" }
        if seconds < 120 { return "\(Int(seconds.rounded()))s" }
        if seconds < 7200 { return "\(Int((seconds / 60).rounded()))m" }
        if seconds < 4 * 86400 { return CFormat.oneDecimal(seconds / 3600) + "h" }
        return "\(Int((seconds / 86400).rounded()))d"
    }

    static func finding(_ host: FleetHost) -> String {
        guard let worst = host.worstFinding else { return host.findingCount > 0 ? "\(host.findingCount) findings" : dash }
        let more = host.findingCount > 1 ? " (+\(host.findingCount - 1))" : ""
        return "\(worst.severity.name) \(worst.rule)\(more)"
    }

    static func cache(_ cache: FleetCache?) -> String {
        guard let cache else { return dash }
        return "\(cache.name) \(ByteFormatter.human(UInt64(max(0, cache.bytes))))"
    }
}
