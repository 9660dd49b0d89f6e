/// The two text formats Prometheus scrapes: the classic text format 0.0.4
/// and OpenMetrics 1.0 (asked for with `Accept: application/openmetrics-text`).
///
/// Differences handled here: OpenMetrics names a counter family without
/// `_total` (its samples keep it), escapes HELP like label values, and ends
/// with `# EOF`. Families without samples are left out in both (a TYPE line
/// with nothing under it says nothing, and promtool flags it).
public enum Exposition {
    public enum Format: Sendable, Equatable {
        case prometheus, openMetrics

        public var contentType: String {
            switch self {
            case .prometheus: return "text/plain; version=0.0.4; charset=utf-8"
            case .openMetrics: return "application/openmetrics-text; version=1.0.0; charset=utf-8"
            }
        }

        /// Picks the format from an HTTP `Accept` header, as Prometheus
        /// negotiates: OpenMetrics only when the client lists it.
        public static func negotiate(accept: String?) -> Format {
            guard let accept else { return .prometheus }
            return accept.contains("application/openmetrics-text") ? .openMetrics : .prometheus
        }
    }

    public static func render(_ families: [MetricFamily], format: Format) -> String {
        var out = ""
        out.reserveCapacity(families.count * 256)
        for family in families where !family.samples.isEmpty {
            let familyName: String
            if format == .openMetrics, family.kind == .counter, family.name.hasSuffix("_total") {
                familyName = String(family.name.dropLast(6))
            } else {
                familyName = family.name
            }
            out += "# HELP \(familyName) \(escapeHelp(family.help, format: format))\n"
            out += "# TYPE \(familyName) \(family.kind.rawValue)\n"
            for sample in family.samples {
                out += family.name
                if !sample.labels.isEmpty {
                    out += "{"
                    for (index, label) in sample.labels.enumerated() {
                        if index > 0 { out += "," }
                        out += label.name + "=\"" + escapeLabel(label.value) + "\""
                    }
                    out += "}"
                }
                out += " " + number(sample.value) + "\n"
            }
        }
        if format == .openMetrics { out += "# EOF\n" }
        return out
    }

    /// Label values: backslash, double quote and line feed escaped (both formats).
    public static func escapeLabel(_ value: String) -> String {
        guard value.utf8.contains(where: { $0 == 0x5C || $0 == 0x22 || $0 == 0x0A }) else { return value }
        var out = ""
        for character in value {
            switch character {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.append(character)
            }
        }
        return out
    }

    /// HELP text: backslash and line feed escaped; OpenMetrics also escapes
    /// the double quote.
    static func escapeHelp(_ text: String, format: Format) -> String {
        // Most HELP texts need nothing escaped: no per-character copy then.
        guard text.utf8.contains(where: { $0 == 0x5C || $0 == 0x0A || ($0 == 0x22 && format == .openMetrics) }) else { return text }
        var out = ""
        for character in text {
            switch character {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\"" where format == .openMetrics: out += "\\\""
            default: out.append(character)
            }
        }
        return out
    }

    /// Whole numbers without a fraction or exponent up to 2^63 (byte counts
    /// stay readable); others in Swift's shortest round-tripping form, which
    /// both formats accept; NaN and infinities spelled as Prometheus does.
    public static func number(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 9.2e18 { return String(Int64(value)) }
        return String(value)
    }
}
