/// An aligned text table: a header row and rows of cells, each column right-
/// or left-aligned, separated by `gap` spaces.
public struct TextTable {
    public enum Alignment: Sendable { case left, right }

    public var columns: [(title: String, alignment: Alignment)]
    public var rows: [[String]] = []
    public var gap = 2

    public init(_ columns: [(String, Alignment)]) {
        self.columns = columns.map { (title: $0.0, alignment: $0.1) }
    }

    public mutating func append(_ row: [String]) { rows.append(row) }

    /// The table with a trailing newline; `header: false` prints rows only.
    public func rendered(header: Bool = true) -> String {
        var widths = columns.map { header ? $0.title.count : 0 }
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], cell.count)
            }
        }
        var out = ""
        if header { out += line(columns.map(\.title), widths: widths) }
        for row in rows { out += line(row, widths: widths) }
        return out
    }

    private func line(_ cells: [String], widths: [Int]) -> String {
        var text = ""
        for (index, width) in widths.enumerated() {
            let cell = index < cells.count ? cells[index] : ""
            let padding = String(repeating: " ", count: max(0, width - cell.count))
            if index > 0 { text += String(repeating: " ", count: gap) }
            let isLast = index == widths.count - 1
            switch columns[index].alignment {
            case .left: text += isLast ? cell : cell + padding
            case .right: text += padding + cell
            }
        }
        // An empty last cell (a bar of 0) must not leave trailing blanks.
        while text.hasSuffix(" ") { text.removeLast() }
        return text + "\n"
    }
}
