import Diagnosis
import KernelFiles
import MemoryModel

/// `memsleuth history` and `memsleuth diff`: a series as a table, a
/// sparkline and its trend; a past snapshot's short summary; what changed
/// between two times.
public enum HistoryView {
    static let blocks: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    /// One character per value, scaled from the lowest to the highest
    /// (all the lowest block when flat); at most `width` characters, the
    /// values thinned evenly when more.
    public static func sparkline(_ values: [Double], width: Int = 60) -> String {
        guard let low = values.min(), let high = values.max(), width > 0 else { return "" }
        let shown = values.count > width
            ? (0..<width).map { values[$0 * (values.count - 1) / max(width - 1, 1)] } : values
        return String(shown.map { value -> Character in
            guard high > low else { return blocks[0] }
            let level = Int(((value - low) / (high - low) * 7).rounded())
            return blocks[min(max(level, 0), 7)]
        })
    }

    static func formatted(_ value: Double, bytes: Bool) -> String {
        guard bytes else { return value.rounded() == value && abs(value) < 1e15 ? String(Int64(value)) : CFormat.oneDecimal(value) }
        return value < 0 ? "-" + ByteFormatter.human(UInt64(clamping: Int64(-value))) : ByteFormatter.human(UInt64(clamping: Int64(value)))
    }

    static func times(_ seconds: Double) -> String {
        WallTime(seconds: Int64(seconds.rounded(.down)), nanoseconds: Int64((seconds - seconds.rounded(.down)) * 1e9), monotonic: 0).rfc3339
    }

    /// The trend in words: "+12.0 Mi per hour, leak-like (Mann–Kendall p = 0.0001, 120 samples over 5.0 h)".
    static func trendLine(_ trend: TrendAnalysis, bytes: Bool) -> String {
        guard let perHour = trend.perHour else { return "trend: unknown (\(trend.count) sample\(trend.count == 1 ? "" : "s"))" }
        let sign = perHour >= 0 ? "+" : ""
        let p = trend.test.map { " (Mann–Kendall p = \(CFormat.format("%.2g", $0.p)))" } ?? ""
        return "trend: \(sign)\(formatted(perHour, bytes: bytes)) per hour, \(trend.growth.rawValue)\(p), "
            + "\(trend.count) samples over \(CFormat.oneDecimal(trend.spanSeconds / 3600)) h"
    }

    public static func seriesText(name: String, points: [TrendPoint], bytes: Bool) -> String {
        var table = TextTable([("time", .left), (name, .right)])
        for point in points { table.append([times(point.seconds), formatted(point.value, bytes: bytes)]) }
        let trend = TrendAnalysis(points)
        return table.rendered() + "\n" + sparkline(points.map(\.value)) + "\n" + trendLine(trend, bytes: bytes) + "\n"
    }

    public static func seriesJSON(name: String, points: [TrendPoint]) -> JSONValue {
        let trend = TrendAnalysis(points)
        return .object([
            ("series", .string(name)),
            ("points", .array(points.map { .object([("time", .string(times($0.seconds))), ("value", .double($0.value))]) })),
            ("trend", trendJSON(trend)),
        ])
    }

    public static func trendJSON(_ trend: TrendAnalysis) -> JSONValue {
        .object([
            ("samples", .int(Int64(trend.count))),
            ("span_seconds", .double(trend.spanSeconds)),
            ("per_hour", .double(trend.perHour)),
            ("per_hour_lower", .double(trend.growth == .unknown ? nil : trend.slope.map { $0.lowerPerSecond * 3600 })),
            ("per_hour_upper", .double(trend.growth == .unknown ? nil : trend.slope.map { $0.upperPerSecond * 3600 })),
            ("mann_kendall_s", .int(trend.test.map { Int64($0.s) })),
            ("mann_kendall_p", .double(trend.test?.p)),
            ("growth", .string(trend.growth.rawValue)),
            ("leak_like", .bool(trend.growth == .leakLike)),
        ])
    }

    /// `history --at` for people: the time, `free`'s figures and the
    /// largest slab caches.
    public static func summaryText(_ snapshot: Snapshot, topCaches: Int = 10) -> String {
        var out = "snapshot at \(snapshot.time.rfc3339) (\(snapshot.host.hostname ?? "unknown host"), Linux \(snapshot.host.kernelRelease ?? "unknown"))\n\n"
        if let free = snapshot.free {
            out += FreeView.text(free, format: FreeFormat(human: true))
        }
        if let table = snapshot.slabTable(sort: .size) {
            var caches = TextTable([("cache", .left), ("objects", .right), ("size", .right)])
            for row in table.rows.prefix(topCaches) {
                caches.append([row.cache.name, String(row.cache.numObjs), ByteFormatter.human(row.sizeBytes)])
            }
            out += "\n" + caches.rendered()
        }
        return out
    }

    public static func diffText(_ diff: SnapshotDiff, limit: Int = 40) -> String {
        var out = "from \(diff.from.rfc3339) to \(diff.to.rfc3339)\n\n"
        var table = TextTable([("what", .left), ("name", .left), ("before", .right), ("after", .right), ("change", .right)])
        for change in diff.changes.prefix(limit) {
            let bytes = change.unit == "bytes"
            func side(_ value: UInt64?) -> String { value.map { formatted(Double($0), bytes: bytes) } ?? "-" }
            let delta = bytes ? ByteFormatter.human(signed: change.change) : String(change.change)
            table.append([change.section, change.name, side(change.before), side(change.after),
                          (change.change > 0 ? "+" : "") + delta])
        }
        out += diff.changes.isEmpty ? "nothing changed\n" : table.rendered()
        if diff.changes.count > limit { out += "… and \(diff.changes.count - limit) smaller changes (--json lists all)\n" }
        return out
    }

    public static func diffJSON(_ diff: SnapshotDiff) -> JSONValue {
        .object([
            ("from", .string(diff.from.rfc3339)),
            ("to", .string(diff.to.rfc3339)),
            ("changes", .array(diff.changes.map { change in
                .object([
                    ("section", .string(change.section)), ("name", .string(change.name)), ("unit", .string(change.unit)),
                    ("before", .uint(change.before)), ("after", .uint(change.after)), ("change", .int(change.change)),
                ])
            })),
        ])
    }
}
