import KernelFiles
import MemoryModel

/// `memsleuth vmstat`: the procps-ng 4.0.2 `vmstat` layout, its `-s` table,
/// and JSON.
public enum VmstatView {
    /// The two header lines, exactly as procps-ng 4.0.2 prints them (no
    /// `gu` column in the narrow layout).
    public static let header =
        "procs -----------memory---------- ---swap-- -----io---- -system-- ------cpu-----\n"
        + " r  b   swpd   free   buff  cache   si   so    bi    bo   in   cs us sy id wa st\n"

    /// Column widths of procps's `format` ("%2lu %2lu %6lu ...").
    static let widths = [2, 2, 6, 6, 6, 6, 4, 4, 5, 5, 4, 4, 2, 2, 2, 2, 2]

    /// One data line. Memory is shown in `row.unit` (KiB by default); an
    /// unknown figure is `-`. A figure wider than its column pushes the rest
    /// right, as printf does.
    public static func line(_ row: VmstatRow) -> String {
        func memory(_ bytes: UInt64?) -> UInt64? { bytes.map { row.unit.convert(kilobytes: $0 / 1024) } }
        let values: [UInt64?] = [
            row.r, row.b, memory(row.swpd), memory(row.free), memory(row.buff), memory(row.cache),
            row.si, row.so, row.bi, row.bo, row.interrupts, row.contextSwitches,
            row.us, row.sy, row.id, row.wa, row.st,
        ]
        var text = ""
        for (index, value) in values.enumerated() {
            if index > 0 { text += " " }
            text += pad(value.map { String($0) } ?? "-", to: widths[index])
        }
        return text + "\n"
    }

    /// The `vmstat -s` table: `%13lu` figures, memory in `unit` with its letter.
    public static func stats(_ stats: VmstatStats, unit: VmstatUnit) -> String {
        var text = ""
        for line in stats.lines {
            let figure: String
            let prefix: String
            switch line.kind {
            case .memory:
                figure = line.value.map { String(unit.convert(kilobytes: $0 / 1024)) } ?? "-"
                prefix = String(unit.rawValue) + " "
            case .kilobytes:
                figure = line.value.map { String($0 / 1024) } ?? "-"
                prefix = "K "
            case .count:
                figure = line.value.map { String($0) } ?? "-"
                prefix = ""
            }
            text += pad(figure, to: 13) + " " + prefix + line.label + "\n"
        }
        return text
    }

    /// The `-s` table as one object keyed like `total_memory`; sizes in bytes.
    public static func statsJSON(_ stats: VmstatStats) -> JSONValue {
        .object(stats.lines.map { ($0.key, .uint($0.value)) })
    }

    /// One sample as JSON. `row` is expected in `.bytes` so that `si`/`so`
    /// are bytes per second; `bi`/`bo` (KiB per second in procps) are
    /// turned into bytes per second too. Memory is in bytes.
    public static func json(_ row: VmstatRow) -> JSONValue {
        func bytesPerSecond(_ kilobytes: UInt64?) -> JSONValue {
            .uint(kilobytes.flatMap { $0.multipliedReportingOverflow(by: 1024).overflow ? nil : $0 * 1024 })
        }
        let siSo: (UInt64?) -> JSONValue = { value in
            row.unit == .bytes ? .uint(value) : .uint(value.flatMap { $0.multipliedReportingOverflow(by: row.unit.bytes).overflow ? nil : $0 * row.unit.bytes })
        }
        return .object([
            ("rates_since", .string(row.ratesSince.rawValue)),
            ("procs", .object([("r", .uint(row.r)), ("b", .uint(row.b))])),
            ("memory", .object([
                ("swpd", .uint(row.swpd)), ("free", .uint(row.free)),
                ("buff", .uint(row.buff)), ("cache", .uint(row.cache)),
            ])),
            ("swap", .object([("si", siSo(row.si)), ("so", siSo(row.so))])),
            ("io", .object([("bi", bytesPerSecond(row.bi)), ("bo", bytesPerSecond(row.bo))])),
            ("system", .object([("in", .uint(row.interrupts)), ("cs", .uint(row.contextSwitches))])),
            ("cpu", .object([
                ("us", .uint(row.us)), ("sy", .uint(row.sy)), ("id", .uint(row.id)),
                ("wa", .uint(row.wa)), ("st", .uint(row.st)),
            ])),
            ("pressure", pressure(row.pressure)),
        ])
    }

    /// PSI as JSON: `{"some": {...}, "full": {...} | null}` or null.
    public static func pressure(_ pressure: Pressure?) -> JSONValue {
        guard let pressure else { return .null }
        func line(_ line: Pressure.Line?) -> JSONValue {
            guard let line else { return .null }
            return .object([
                ("avg10", .double(line.avg10)), ("avg60", .double(line.avg60)),
                ("avg300", .double(line.avg300)), ("total_us", .uint(line.totalMicroseconds)),
            ])
        }
        return .object([("some", line(pressure.some)), ("full", line(pressure.full))])
    }

    /// The `"unavailable"` list of CLI.md.
    public static func unavailable(_ entries: [Unavailable]) -> JSONValue {
        .array(entries.map { entry in
            .object([("source", .string(entry.source)), ("reason", .string(entry.reason)), ("remedy", .string(entry.remedy))])
        })
    }

    private static func pad(_ text: String, to width: Int) -> String {
        let count = text.utf8.count
        return count >= width ? text : String(repeating: " ", count: width - count) + text
    }
}
