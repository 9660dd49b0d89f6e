#if canImport(Glibc)
import Glibc
#endif
import MemoryModel
import MemsleuthCLI

/// Times on the command line (`history --at`, `diff T1 T2`): RFC 3339
/// (`2026-11-25T02:10:00Z`, `2026-11-25T03:10:00.5+01:00`), a duration ago
/// (`-2h`, `30m`, `1d`), or `now`. Nanoseconds since the epoch.
enum TimeArgument {
    static func nanoseconds(_ text: String, now: Int64) -> Int64? {
        if text == "now" { return now }
        let relative = text.hasPrefix("-") ? String(text.dropFirst()) : text
        if let ago = CommandDuration.nanoseconds(relative) {
            let (value, overflow) = now.subtractingReportingOverflow(ago)
            return overflow ? nil : value
        }
        return rfc3339(text)
    }

    /// `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)` as nanoseconds since the
    /// epoch; nil for anything else. The one RFC 3339 reader is
    /// `WallTime(rfc3339:)` (bundle manifests use it too).
    static func rfc3339(_ text: String) -> Int64? {
        guard let time = WallTime(rfc3339: text) else { return nil }
        let (value, overflow) = time.seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? nil : value + time.nanoseconds
    }
}
