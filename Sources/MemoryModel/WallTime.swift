#if canImport(Glibc)
import Glibc
#endif

/// A point in wall-clock time (CLOCK_REALTIME), to the nanosecond, and a
/// monotonic reading taken with it so that rates never see a clock jump.
public struct WallTime: Sendable, Equatable, Comparable {
    public let seconds: Int64
    public let nanoseconds: Int64
    /// CLOCK_MONOTONIC at the same moment, in seconds; rates divide by this.
    public let monotonic: Double

    public init(seconds: Int64, nanoseconds: Int64, monotonic: Double) {
        self.seconds = seconds
        self.nanoseconds = nanoseconds
        self.monotonic = monotonic
    }

    public static func now() -> WallTime {
        var real = timespec()
        var mono = timespec()
        clock_gettime(CLOCK_REALTIME, &real)
        clock_gettime(CLOCK_MONOTONIC, &mono)
        return WallTime(
            seconds: Int64(real.tv_sec), nanoseconds: Int64(real.tv_nsec),
            monotonic: Double(mono.tv_sec) + Double(mono.tv_nsec) / 1e9)
    }

    public static func < (lhs: WallTime, rhs: WallTime) -> Bool {
        (lhs.seconds, lhs.nanoseconds) < (rhs.seconds, rhs.nanoseconds)
    }

    /// Nanoseconds since the epoch: the store's `time_ns` and every time
    /// comparison in history (wrapping, as SQLite's integers would not).
    public var nanosecondsSinceEpoch: Int64 { seconds &* 1_000_000_000 &+ nanoseconds }

    /// RFC 3339 in UTC with milliseconds: `2026-11-25T08:17:56.123Z`.
    public var rfc3339: String {
        let p = utcFields
        return "\(p.year)-\(p.month)-\(p.day)T\(p.hour):\(p.minute):\(p.second)."
            + "\(Self.pad(Int32(nanoseconds / 1_000_000), 3))Z"
    }

    /// ISO 8601 basic format in UTC, whole seconds: `20261125T081756Z` (no
    /// colons: safe in any file name).
    public var basicUTC: String {
        let p = utcFields
        return "\(p.year)\(p.month)\(p.day)T\(p.hour)\(p.minute)\(p.second)Z"
    }

    /// The calendar fields in UTC, zero-padded.
    private var utcFields: (year: String, month: String, day: String, hour: String, minute: String, second: String) {
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        return (Self.pad(parts.tm_year + 1900, 4), Self.pad(parts.tm_mon + 1, 2), Self.pad(parts.tm_mday, 2),
                Self.pad(parts.tm_hour, 2), Self.pad(parts.tm_min, 2), Self.pad(parts.tm_sec, 2))
    }

    private static func pad(_ value: Int32, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}
