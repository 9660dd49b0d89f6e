#if canImport(Glibc)
import Glibc
#endif

/// Sizes for people, in the binary units `free -h` prints (`Ki`, `Mi`, `Gi`).
public enum ByteFormatter {
    /// The shortest of `1023B`, `8.6Mi`, `23Gi` that fits in five characters,
    /// exactly as procps-ng 4.0.2's `free -h` (`scale_size` in src/free.c)
    /// chooses: `%lldB` if it fits in 4; else for K, M, G, T, P in turn
    /// `%.1f` of the quotient narrowed to float, then the truncated whole
    /// number, each with `Xi` and kept if it fits in 5 (with `si`: powers of
    /// 1000, no `i`, and 4). Past P procps gives up and prints its last try,
    /// the whole number of PiB (PB), which this does too.
    public static func human(_ bytes: UInt64, si: Bool = false) -> String {
        scaled(text: String(bytes), value: Double(bytes), si: si)
    }

    /// The same for a figure that can go negative (`free -v`'s commit
    /// headroom when overcommitted): procps prints the sign and counts it in
    /// the width, so `-1.5Gi` does not fit and becomes `-1Gi`.
    public static func human(signed bytes: Int64, si: Bool = false) -> String {
        scaled(text: String(bytes), value: Double(bytes), si: si)
    }

    private static func scaled(text: String, value: Double, si: Bool) -> String {
        let plain = text + "B"
        if plain.utf8.count <= 4 { return plain }
        let base: Double = si ? 1000 : 1024
        let units: [String] = ["K", "M", "G", "T", "P"]
        let limit = si ? 4 : 5
        var scale = base
        var last = plain
        for unit in units {
            let suffix = si ? unit : unit + "i"
            // procps divides in double and then narrows to float before printing.
            let narrowed = Float(value / scale)
            let withDecimal = CFormat.oneDecimal(Double(narrowed)) + suffix
            if withDecimal.utf8.count <= limit { return withDecimal }
            last = String(Int64(value / scale)) + suffix
            if last.utf8.count <= limit { return last }
            scale *= base
        }
        return last
    }
}

/// printf-style number formatting without Foundation, for the few places
/// where memsleuth must round exactly as a C tool does.
public enum CFormat {
    /// `%.1f`
    public static func oneDecimal(_ value: Double) -> String { format("%.1f", value) }
    /// `%.2f`
    public static func twoDecimals(_ value: Double) -> String { format("%.2f", value) }

    public static func format(_ pattern: String, _ value: Double) -> String {
        var buffer = [CChar](repeating: 0, count: 64)
        let written = withVaList([value]) { args in
            buffer.withUnsafeMutableBufferPointer { vsnprintf($0.baseAddress, 64, pattern, args) }
        }
        guard written > 0 else { return String(value) }
        return String(decoding: buffer.prefix(min(Int(written), 63)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
