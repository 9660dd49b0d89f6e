import Diagnosis
import MemoryModel

/// The doctor's conclusions as gauges: each active finding, the verdict,
/// and the forecast to the thresholds — what alert rules fire on.
enum DoctorMetrics {
    static func families(_ input: MetricsInput) -> [MetricFamily] {
        let report = input.report
        var finding = MetricFamily("memsleuth_finding", .gauge,
                                   help: "1 for each active doctor finding (INFO, WARNING, CRITICAL; OK findings are not exported), by rule id and severity.")
        for item in report.findings where item.severity > .ok {
            finding.add(1, ("rule", item.ruleID), ("severity", item.severity.name))
        }
        var verdict = MetricFamily("memsleuth_verdict_severity", .gauge,
                                   help: "The doctor's worst severity: 0 OK, 1 INFO, 2 WARNING, 3 CRITICAL; absent when nothing could be read (UNKNOWN).")
        if let worst = report.verdict { verdict.add(Double(worst.rawValue)) }
        var samples = MetricFamily("memsleuth_doctor_samples", .gauge,
                                   help: "How many samples the doctor judged: 1, or more with history (--db or a replayed bundle).")
        samples.add(Double(report.samples))
        return [finding, verdict, samples, forecast(input)]
    }

    /// Seconds until used memory (reclaimable slab counted) reaches the
    /// WARNING and CRITICAL thresholds at the Theil–Sen rate over the
    /// samples, as the `memory.used` rule forecasts; 0 when already there,
    /// absent when not growing or without history.
    static func forecast(_ input: MetricsInput) -> MetricFamily {
        var family = MetricFamily("memsleuth_forecast_seconds", .gauge,
                                  help: "Seconds until used memory (reclaimable slab counted) crosses the doctor's threshold at the current trend; absent when not growing.")
        guard !input.history.isEmpty,
              let trend = Trend(input.samples, { snapshot in
                  snapshot.meminfo.flatMap { UsedMemory($0, minFreeBytes: nil) }?.withReclaimableSlabPercent
              })
        else { return family }
        for (name, percent) in [("warning", input.thresholds.warnPercent), ("critical", input.thresholds.critPercent)] {
            if let hours = trend.hoursUntil(percent) { family.add(hours * 3600, ("threshold", name)) }
        }
        return family
    }
}
