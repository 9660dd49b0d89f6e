import Diagnosis

/// The doctor's memory account: MemTotal split into parts that add up, as
/// an aligned table with a bar per part, and as JSON.
public enum AccountView {
    /// Width of a full bar (100 % of MemTotal), in character cells.
    public static let barWidth = 30

    /// `{"total_bytes", "parts": [{"key", "label", "bytes", "share",
    /// "source", "note", "children": [...]}]}`; `share` is the fraction of
    /// MemTotal (0 to 1, four decimals), null when either is unknown.
    public static func json(_ account: MemoryAccount) -> JSONValue {
        .object([
            ("total_bytes", .uint(account.total)),
            ("parts", .array(account.parts.map { part($0, total: account.total) })),
        ])
    }

    private static func part(_ part: MemoryAccount.Part, total: UInt64?) -> JSONValue {
        .object([
            ("key", .string(part.key)),
            ("label", .string(part.label)),
            ("bytes", .uint(part.bytes)),
            ("share", .double(share(part.bytes, total).map { ($0 * 10_000).rounded() / 10_000 })),
            ("source", .string(part.source)),
            ("note", .string(part.note)),
            ("children", .array(part.children.map { self.part($0, total: total) })),
        ])
    }

    /// The table: PART, SIZE, SHARE, a bar for top-level parts, SOURCE;
    /// children indented under their part (those of 0 bytes left out). `unicode` draws the bar with
    /// eighth blocks (`████▌`), else with `#` per whole cell. `notes` adds
    /// each part's note below the table. `sources: false` leaves the SOURCE
    /// column out, for a view that must fit 78 columns (the doctor's).
    public static func text(_ account: MemoryAccount, unicode: Bool = true, notes: Bool = true,
                            sources: Bool = true) -> String {
        guard let total = account.total else { return "memory account: /proc/meminfo MemTotal unknown\n" }
        var columns: [(String, TextTable.Alignment)] = [("PART", .left), ("SIZE", .right), ("SHARE", .right), ("", .left)]
        if sources { columns.append(("SOURCE", .left)) }
        var table = TextTable(columns)
        for part in account.parts {
            table.append([part.label, size(part.bytes), percent(part.bytes, total),
                          bar(share(part.bytes, total), unicode: unicode), part.source])
            // A child of 0 bytes says nothing in the table (JSON keeps it).
            for child in part.children where child.bytes != 0 {
                table.append(["  " + child.label, size(child.bytes), percent(child.bytes, total), "", child.source])
            }
        }
        var out = "MemTotal " + ByteFormatter.human(total) + " (" + String(total) + " bytes)"
        out += account.sum == total ? ", split into parts that add up to it\n" : "; the parts overlap and exceed it (see unaccounted)\n"
        out += table.rendered()
        if notes {
            for part in account.parts {
                if let note = part.note { out += part.label + ": " + note + "\n" }
            }
        }
        return out
    }

    static func share(_ bytes: UInt64?, _ total: UInt64?) -> Double? {
        guard let bytes, let total, total > 0 else { return nil }
        return Double(bytes) / Double(total)
    }

    static func size(_ bytes: UInt64?) -> String { bytes.map { ByteFormatter.human($0) } ?? "?" }

    static func percent(_ bytes: UInt64?, _ total: UInt64) -> String {
        guard let fraction = share(bytes, total) else { return "?" }
        return CFormat.oneDecimal(fraction * 100) + "%"
    }

    /// `share` × `barWidth` cells: whole cells as █ (or #), the rest in
    /// eighths (▏▎▍▌▋▊▉); nothing for 0 or unknown. Capped at a full bar.
    public static func bar(_ share: Double?, unicode: Bool) -> String {
        guard let share, share > 0 else { return "" }
        let eighths = Int((min(share, 1) * Double(barWidth * 8)).rounded())
        if !unicode { return String(repeating: "#", count: (eighths + 4) / 8) }
        let partials: [Character] = ["▏", "▎", "▍", "▌", "▋", "▊", "▉"]
        var text = String(repeating: "█", count: eighths / 8)
        if eighths % 8 > 0 { text.append(partials[eighths % 8 - 1]) }
        return text
    }
}
