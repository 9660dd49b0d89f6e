import Diagnosis
import KernelFiles
import MemoryModel

/// `memsleuth doctor`: the verdict, the two "used" figures, then each
/// finding worst first with its evidence, explanation, remedies and
/// references; or the same as one JSON document (CLI.md).
public enum DoctorView {
    public static let width = 78

    // MARK: text

    /// `unicode` draws the account's bars with block characters, `#` otherwise.
    public static func text(_ report: DoctorReport, color: Bool, unicode: Bool = true) -> String {
        var out = header(report, color: color) + "\n"
        if let line = historyLine(report) { out += line }
        if let used = report.used { out += usedLines(used) }
        if let account = report.account, account.total != nil {
            out += "\nWhere the memory is:\n" + AccountView.text(account, unicode: unicode, notes: false, sources: false)
            out += "(each part's source file and meaning: memsleuth doctor --json, \"account\")\n"
        }
        if report.findings.isEmpty, report.verdict != nil { out += "\nNo findings: nothing in memory looks wrong.\n" }
        for finding in report.findings { out += "\n" + findingText(finding, color: color) }
        if !report.unavailable.isEmpty {
            out += "\nCould not read:\n"
            for item in report.unavailable { out += wrap(item.line, indent: 2, hanging: 4) }
        }
        return out
    }

    static func header(_ report: DoctorReport, color: Bool) -> String {
        let verdict = paint(report.verdictName, severity: report.verdict, color: color)
        var line = "memsleuth doctor: \(verdict)"
        let counted = report.findings.filter { $0.severity >= .warning }.count
        line += " - \(report.findings.count) finding\(report.findings.count == 1 ? "" : "s")"
        if counted > 0 { line += " (\(counted) to act on)" }
        if let host = report.host.hostname { line += " on \(host)" }
        if let release = report.host.kernelRelease { line += ", Linux \(release)" }
        if report.verdict == nil { line += " - no memory figures could be read" }
        return line
    }

    /// Which history the growth and forecasts were judged over.
    static func historyLine(_ report: DoctorReport) -> String? {
        guard report.samples > 1, let start = report.historyStart else { return nil }
        let seconds = Double(report.time.seconds - start.seconds) + Double(report.time.nanoseconds - start.nanoseconds) / 1e9
        return "History: \(report.samples) samples over \(humanHours(max(0, seconds) / 3600)), since \(start.rfc3339)\n"
    }

    static func usedLines(_ used: UsedMemory) -> String {
        let avail = used.availableSource == .memAvailable ? "MemTotal - MemAvailable" : "MemTotal - MemFree, no MemAvailable on this kernel"
        return "Used: \(percent(used.withReclaimableSlabPercent)) counting reclaimable slab "
            + "(\(CheckView.gib(used.withReclaimableSlab)) of \(CheckView.gib(used.total)))\n"
            + wrap("procps free: \(percent(used.procpsPercent)) (\(avail))", indent: 6, hanging: 8)
    }

    static func findingText(_ finding: Finding, color: Bool) -> String {
        var out = paint(finding.severity.name, severity: finding.severity, color: color) + "  " + finding.ruleID + "\n"
        out += wrap(finding.title, indent: 2, hanging: 2)
        if !finding.evidence.isEmpty {
            out += "  Evidence:\n"
            for evidence in finding.evidence { out += wrap(evidenceLine(evidence), indent: 4, hanging: 6) }
        }
        out += "  Why:\n"
        for (index, paragraph) in finding.explanation.split(separator: "\n\n", omittingEmptySubsequences: true).enumerated() {
            if index > 0 { out += "\n" }
            out += wrap(String(paragraph), indent: 4, hanging: 4)
        }
        if !finding.remedies.isEmpty {
            out += "  What to do:\n"
            for remedy in finding.remedies {
                out += wrap("- \(remedy.summary) [\(remedy.permanent ? "permanent" : "stop-gap"); cost: \(remedy.cost)]",
                            indent: 4, hanging: 6)
                if let command = remedy.command { out += "        $ \(command)\n" }
            }
        }
        if !finding.references.isEmpty {
            out += "  References:\n"
            for reference in finding.references { out += "    \(reference)\n" }
        }
        return out
    }

    /// `name: value unit (source)`, with a note such as "estimate".
    public static func evidenceLine(_ evidence: Evidence) -> String {
        var line = evidence.name + ": " + evidenceValue(evidence)
        if evidence.unit != .text, let note = evidence.text { line += " [\(note)]" }
        return line + " (\(evidence.source))"
    }

    static func evidenceValue(_ evidence: Evidence) -> String {
        if evidence.unit == .text { return evidence.text ?? "unknown" }
        guard let value = evidence.value, value.isFinite else { return "unknown" }
        switch evidence.unit {
        case .bytes: return value < 0 ? "-" + binary(-value) : binary(value)
        case .bytesPerSecond: return (value < 0 ? "-" + binary(-value) : binary(value)) + "/s"
        case .percent: return percent(value)
        case .count: return value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : CFormat.oneDecimal(value)
        case .countPerSecond: return CFormat.oneDecimal(value) + "/s"
        case .seconds: return value >= 3600 ? CFormat.oneDecimal(value / 3600) + " h" : CFormat.oneDecimal(value) + " s"
        case .text: return evidence.text ?? "unknown"
        }
    }

    /// "37.0 GiB", "512 B": one decimal in the largest binary unit that
    /// keeps the figure at or above 1.
    public static func binary(_ value: Double) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
        var scaled = value
        var unit = 0
        while scaled >= 1024, unit < units.count - 1 {
            scaled /= 1024
            unit += 1
        }
        return unit == 0 ? "\(Int64(scaled)) B" : CFormat.oneDecimal(scaled) + " " + units[unit]
    }

    static func percent(_ value: Double) -> String { CFormat.oneDecimal(value) + " %" }

    static func paint(_ text: String, severity: Severity?, color: Bool) -> String {
        guard color else { return text }
        let code: String
        switch severity {
        case .critical?: code = "1;31"
        case .warning?: code = "1;33"
        case .info?: code = "36"
        case .ok?: code = "32"
        case nil: code = "35"
        }
        return "\u{1B}[\(code)m\(text)\u{1B}[0m"
    }

    /// Word-wraps `text` to `width` columns: the first line indented by
    /// `indent`, the rest by `hanging`. A word longer than a line (a URL)
    /// gets a line of its own rather than being cut.
    public static func wrap(_ text: String, indent: Int, hanging: Int, width: Int = DoctorView.width) -> String {
        var out = ""
        var line = String(repeating: " ", count: indent)
        var lineHasWord = false
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            let candidate = lineHasWord ? line.count + 1 + word.count : line.count + word.count
            if lineHasWord, candidate > width {
                out += line + "\n"
                line = String(repeating: " ", count: hanging)
                lineHasWord = false
            }
            line += (lineHasWord ? " " : "") + word
            lineHasWord = true
        }
        if lineHasWord { out += line + "\n" }
        return out
    }

    // MARK: JSON

    public static func json(_ report: DoctorReport) -> JSONValue {
        .object([
            ("verdict", .string(report.verdictName)),
            ("exit_code", .int(Int64(report.exitCode))),
            ("samples", .int(Int64(report.samples))),
            ("history_start", report.historyStart.map { .string($0.rfc3339) } ?? .null),
            ("host", .object([
                ("hostname", .string(report.host.hostname)), ("kernel_release", .string(report.host.kernelRelease)),
                ("time", .string(report.time.rfc3339)),
            ])),
            ("used", usedJSON(report.used)),
            ("account", report.account.map(AccountView.json) ?? .null),
            ("findings", .array(report.findings.map(findingJSON))),
            ("unavailable", .array(report.unavailable.map(\.json))),
        ])
    }

    static func usedJSON(_ used: UsedMemory?) -> JSONValue {
        .object([
            ("procps_bytes", .uint(used?.procpsUsed)),
            ("with_reclaimable_slab_bytes", .uint(used?.withReclaimableSlab)),
            ("total_bytes", .uint(used?.total)),
            ("procps_percent", .double(used?.procpsPercent)),
            ("with_reclaimable_slab_percent", .double(used?.withReclaimableSlabPercent)),
            ("procps_available_source", .string(used?.availableSource == .memAvailable ? "MemAvailable" : used == nil ? nil : "MemFree")),
            ("legacy_available_estimate_bytes", .uint(used?.legacyAvailableEstimate)),
        ])
    }

    public static func findingJSON(_ finding: Finding) -> JSONValue {
        .object([
            ("rule_id", .string(finding.ruleID)),
            ("severity", .string(finding.severity.name)),
            ("title", .string(finding.title)),
            ("evidence", .array(finding.evidence.map { evidence in
                .object([
                    ("name", .string(evidence.name)), ("value", .double(evidence.value)), ("unit", .string(evidence.unit.rawValue)),
                    ("source", .string(evidence.source)), ("text", .string(evidence.text)),
                ])
            })),
            ("explanation", .string(finding.explanation)),
            ("remedies", .array(finding.remedies.map { remedy in
                .object([
                    ("summary", .string(remedy.summary)), ("command", .string(remedy.command)), ("cost", .string(remedy.cost)),
                    ("permanent", .bool(remedy.permanent)),
                ])
            })),
            ("references", .array(finding.references.map { .string($0) })),
        ])
    }
}
