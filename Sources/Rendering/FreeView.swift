import MemoryModel

/// How `free` was asked to print: its unit flags and line switches, as
/// procps-ng 4.0.2's `free` takes them.
public struct FreeFormat: Sendable, Equatable {
    /// `-b -k -m -g --tebi --pebi` and the SI `--kilo … --peta`; `.default`
    /// is KiB (kB with `--si`).
    public enum Unit: Sendable, Equatable, CaseIterable {
        case `default`, bytes, kibi, mebi, gibi, tebi, pebi, kilo, mega, giga, tera, peta

        /// procps's `args.exponent`: 0 default, 1 bytes, 2 kilo … 6 peta.
        var exponent: Int {
            switch self {
            case .default: return 0
            case .bytes: return 1
            case .kibi, .kilo: return 2
            case .mebi, .mega: return 3
            case .gibi, .giga: return 4
            case .tebi, .tera: return 5
            case .pebi, .peta: return 6
            }
        }

        var isDecimal: Bool { [.kilo, .mega, .giga, .tera, .peta].contains(self) }
    }

    public var unit: Unit = .default
    public var human = false
    public var si = false
    public var wide = false
    public var total = false
    public var lohi = false
    public var committed = false

    public init(unit: Unit = .default, human: Bool = false, si: Bool = false, wide: Bool = false,
                total: Bool = false, lohi: Bool = false, committed: Bool = false) {
        self.unit = unit
        self.human = human
        self.si = si
        self.wide = wide
        self.total = total
        self.lohi = lohi
        self.committed = committed
    }

    /// `--kilo` … `--peta` set procps's FREE_SI flag as `--si` does.
    var powersOf1000: Bool { si || unit.isDecimal }
}

/// `memsleuth free`: procps-ng 4.0.2 `free`'s text, byte for byte, and the
/// JSON of CLI.md.
public enum FreeView {
    /// Column layout of procps-ng 4.0.2's free: the row label left-aligned
    /// in 8, then every figure as `" %11s"` — one space, right-aligned in 11,
    /// so a wider figure (bytes of a 100 GB host) pushes the line right but
    /// always keeps one space before it. (Later procps computes widths from
    /// the translated headers; 4.0.2's output was checked against the
    /// binary, Tests/Fixtures/golden/free/huge.)
    static let labelWidth = 8
    static let columnWidth = 11

    public static func text(_ summary: FreeSummary, format: FreeFormat) -> String {
        var out = pad("", labelWidth, left: true)
        let headers = format.wide
            ? ["total", "used", "free", "shared", "buffers", "cache", "available"]
            : ["total", "used", "free", "shared", "buff/cache", "available"]
        for header in headers { out += " " + pad(header, columnWidth, left: false) }
        out += "\n"

        // procps prints 0 for what its zero-filled table did not get.
        var mem: [Int64] = [summary.total, summary.used, summary.free, summary.shared].map(signed)
        if format.wide {
            mem += [signed(summary.buffers), signed(summary.cache)]
        } else {
            mem.append(signed(summary.buffCache))
        }
        mem.append(signed(summary.available))
        out += row("Mem:", mem, format)
        if format.lohi {
            out += row("Low:", [summary.lowTotal, summary.lowUsed, summary.lowFree].map(signed), format)
            out += row("High:", [summary.highTotal, summary.highUsed, summary.highFree].map(signed), format)
        }
        out += row("Swap:", [summary.swapTotal, summary.swapUsed, summary.swapFree].map(signed), format)
        if format.total {
            out += row("Total:", [
                signed(summary.total) &+ signed(summary.swapTotal),
                signed(summary.used) &+ signed(summary.swapUsed),
                signed(summary.free) &+ signed(summary.swapFree),
            ], format)
        }
        if format.committed {
            out += row("Comm:", [signed(summary.commitLimit), signed(summary.committedAS), summary.commitFree ?? 0], format)
        }
        return out
    }

    /// CLI.md: `mem` and `swap` objects in bytes, null where the kernel did
    /// not provide the input, and whether `available` is procps's fallback.
    public static func json(_ summary: FreeSummary) -> JSONValue {
        .object([
            ("mem", .object([
                ("total", .uint(summary.total)),
                ("used", .uint(summary.used)),
                ("free", .uint(summary.free)),
                ("shared", .uint(summary.shared)),
                ("buffers", .uint(summary.buffers)),
                ("cache", .uint(summary.cache)),
                ("buff_cache", .uint(summary.buffCache)),
                ("available", .uint(summary.available)),
            ])),
            ("swap", .object([
                ("total", .uint(summary.swapTotal)),
                ("used", .uint(summary.swapUsed)),
                ("free", .uint(summary.swapFree)),
            ])),
            ("available_estimated", .bool(summary.availableEstimated)),
        ])
    }

    /// One figure as procps's `scale_size` prints it (input in bytes, where
    /// procps has kB and multiplies by 1024 first).
    public static func cell(_ bytes: Int64, format: FreeFormat) -> String {
        let si = format.powersOf1000
        if format.human { return ByteFormatter.human(signed: bytes, si: si) }
        let base: Int64 = si ? 1000 : 1024
        switch format.unit.exponent {
        case 0: return String(bytes / base)            // (long)(bytes / (long long)base)
        case 1: return String(bytes)                   // bytes, never SI
        case let exponent:                             // (long)(bytes / power(base, exponent - 1))
            var divisor = 1.0
            for _ in 1..<exponent { divisor *= Double(base) }
            return String(Int64(Double(bytes) / divisor))
        }
    }

    private static func row(_ label: String, _ values: [Int64], _ format: FreeFormat) -> String {
        var line = pad(label, labelWidth, left: true)
        for value in values { line += " " + pad(cell(value, format: format), columnWidth, left: false) }
        return line + "\n"
    }

    private static func signed(_ value: UInt64?) -> Int64 { Int64(truncatingIfNeeded: value ?? 0) }
    private static func signed(_ value: UInt64) -> Int64 { Int64(truncatingIfNeeded: value) }

    private static func pad(_ text: String, _ width: Int, left: Bool) -> String {
        let spaces = String(repeating: " ", count: max(0, width - text.utf8.count))
        return left ? text + spaces : spaces + text
    }
}
