#if canImport(Glibc)
import Glibc
#endif

/// Sizes for people, in the binary units `free -h` prints (`Ki`, `Mi`, `Gi`).
public enum ByteFormatter {
    /// The shortest of `1023B`, `8.6Mi`, `23Gi` that fits in five characters,
    /// exactly as procps-ng 4's `free -h` (`scale_size`) chooses: one decimal
    /// while it fits, else a whole number. With `si`, powers of 1000 and no `i`.
    public static func human(_ bytes: UInt64, si: Bool = false) -> String {
        let plain = String(bytes) + "B"
        if plain.utf8.count <= 4 { return plain }
        let base: Double = si ? 1000 : 1024
        let units: [String] = ["K", "M", "G", "T", "P", "E"]
        let limit = si ? 4 : 5
        var scale = base
        for unit in units {
            let suffix = si ? unit : unit + "i"
            // procps divides in double and then narrows to float before printing.
            let scaled = Float(Double(bytes) / scale)
            let withDecimal = CFormat.oneDecimal(Double(scaled)) + suffix
            if withDecimal.utf8.count <= limit { return withDecimal }
            let whole = String(Int64(Double(bytes) / scale)) + suffix
            if whole.utf8.count <= limit { return whole }
            scale *= base
        }
        return plain
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
