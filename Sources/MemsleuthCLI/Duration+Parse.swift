/// Durations on the command line: `500ms`, `10s`, `5m`, `2h`, `14d` — one
/// unit table for every option that takes one (`record --interval`,
/// `--retention`, `fix --watch`, `trace --duration`, `doctor --trace`).
public enum CommandDuration {
    /// Each unit and its length in nanoseconds; "ms" before "s" and "m".
    static let units: [(suffix: String, nanoseconds: Int64)] = [
        ("ms", 1_000_000), ("s", 1_000_000_000), ("m", 60_000_000_000), ("h", 3_600_000_000_000), ("d", 86_400_000_000_000),
    ]

    /// The number before the unit and the unit's length; nil unit for a bare number.
    static func split(_ text: String) -> (number: Substring, unit: Int64?) {
        for unit in units where text.hasSuffix(unit.suffix) {
            return (text.dropLast(unit.suffix.count), unit.nanoseconds)
        }
        return (Substring(text), nil)
    }

    /// Whole units only, unit required: nanoseconds, or nil for anything
    /// else (no unit, a fraction, zero, negative, overflow).
    public static func nanoseconds(_ text: String) -> Int64? {
        let (digits, unit) = split(text)
        guard let unit, !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let count = Int64(digits), count > 0
        else { return nil }
        let (value, overflow) = count.multipliedReportingOverflow(by: unit)
        return overflow ? nil : value
    }

    /// Fractions allowed (`2.5s`, `1.5h`); a bare number is seconds when
    /// `bareIsSeconds`. nil for zero, negative, exponents or anything else.
    public static func seconds(_ text: String, bareIsSeconds: Bool) -> Double? {
        let (number, unit) = split(text)
        guard unit != nil || bareIsSeconds, !number.isEmpty,
              number.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
              let value = Double(number), value > 0, value.isFinite else { return nil }
        return value * Double(unit ?? 1_000_000_000) / 1e9
    }
}
