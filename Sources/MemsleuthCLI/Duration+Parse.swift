/// Durations on the command line: `500ms`, `10s`, `5m`, `2h`, `14d`.
public enum CommandDuration {
    /// Nanoseconds, or nil for anything else (no unit, zero, negative, overflow).
    public static func nanoseconds(_ text: String) -> Int64? {
        let units: [(String, Int64)] = [("ms", 1_000_000), ("s", 1_000_000_000), ("m", 60_000_000_000),
                                        ("h", 3_600_000_000_000), ("d", 86_400_000_000_000)]
        for (suffix, scale) in units where text.hasSuffix(suffix) {
            let digits = text.dropLast(suffix.count)
            guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let count = Int64(digits), count > 0
            else { return nil }
            let (value, overflow) = count.multipliedReportingOverflow(by: scale)
            return overflow ? nil : value
        }
        return nil
    }
}
