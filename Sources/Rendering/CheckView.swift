import Diagnosis
import KernelFiles

/// `memsleuth check`: one line in the monitoring-plugin format
/// (Nagios/Icinga plugin guidelines): `MEMSLEUTH STATE - text | perfdata`,
/// perfdata as `label=value[UOM];warn;crit;min;max`, sizes in bytes (`B`).
public enum CheckView {
    public static func line(_ report: DoctorReport, thresholds: DoctorThresholds) -> String {
        guard report.verdict != nil else {
            return "MEMSLEUTH UNKNOWN - no memory figures could be read" + unavailableSuffix(report) + "\n"
        }
        // The plugin states are OK/WARNING/CRITICAL/UNKNOWN: INFO is OK there.
        var text = "MEMSLEUTH \(report.verdict == .info ? "OK" : report.verdictName) - "
        if let used = report.used {
            text += "used \(wholePercent(used.withReclaimableSlabPercent))% (\(gib(used.withReclaimableSlab)) of \(gib(used.total))"
            if let slab = used.reclaimableSlab { text += ", reclaimable slab \(gib(slab))" }
            text += ")"
        } else {
            text += "used unknown (no /proc/meminfo)"
        }
        let acted = report.findings.filter { $0.severity >= .warning }
        text += "; \(acted.count) finding\(acted.count == 1 ? "" : "s")"
        if !acted.isEmpty { text += ": " + acted.map(\.ruleID).joined(separator: ", ") }
        return text + " | " + perfdata(report, thresholds: thresholds).joined(separator: " ") + "\n"
    }

    static func perfdata(_ report: DoctorReport, thresholds: DoctorThresholds) -> [String] {
        guard let used = report.used else { return [] }
        let total = used.total
        func share(_ percent: Double) -> UInt64 { UInt64((Double(total) * percent / 100).rounded(.down)) }
        var items = [
            "used=\(used.withReclaimableSlab)B;\(share(thresholds.warnPercent));\(share(thresholds.critPercent));0;\(total)",
            "used_procps=\(used.procpsUsed)B;;;0;\(total)",
            "used_pct=\(twoDecimals(used.withReclaimableSlabPercent))%;\(twoDecimals(thresholds.warnPercent));\(twoDecimals(thresholds.critPercent));0;100",
        ]
        let meminfo = report.meminfo
        let sizes: [(String, UInt64?)] = [
            ("slab_reclaimable", meminfo?.sReclaimable), ("slab_unreclaimable", meminfo?.sUnreclaim),
            ("page_cache", used.pageCache), ("shmem", meminfo?.shmem), ("free", meminfo?.memFree),
            ("available", meminfo?.memAvailable),
        ]
        for (label, value) in sizes {
            if let value { items.append("\(label)=\(value)B;;;0;\(total)") }
        }
        return items
    }

    static func unavailableSuffix(_ report: DoctorReport) -> String {
        guard let first = report.unavailable.first else { return "" }
        return " (" + first.source + ": " + first.reason + ")"
    }

    static func wholePercent(_ value: Double) -> String {
        // Down, so a host at 79.6 % with the warning at 80 does not read "80%" and OK.
        value.isFinite ? String(Int64(value.rounded(.down))) : "?"
    }

    static func gib(_ bytes: UInt64) -> String { CFormat.oneDecimal(Double(bytes) / 1_073_741_824) + "GiB" }

    static func twoDecimals(_ value: Double) -> String {
        let text = CFormat.twoDecimals(value)
        // 80.00 → 80, 80.50 → 80.5: shorter, still exact.
        var trimmed = Substring(text)
        if trimmed.contains(".") {
            while trimmed.hasSuffix("0") { trimmed = trimmed.dropLast() }
            if trimmed.hasSuffix(".") { trimmed = trimmed.dropLast() }
        }
        return String(trimmed)
    }
}
