/// A unified diff (`diff -u`, three lines of context) for one block of lines
/// inserted into a file: what `fix nss-env` shows before it writes, in the
/// form `patch` and `git apply` read.
public enum UnifiedDiff {
    public static let context = 3

    /// - Parameters:
    ///   - inserted: lines to insert, without newlines.
    ///   - before: 0-based index of the original line they go before
    ///     (`lines.count` appends).
    ///   - endsWithNewline: whether the original's last line has a newline.
    public static func insertion(of inserted: [String], before index: Int, in lines: [String],
                                 endsWithNewline: Bool, oldLabel: String, newLabel: String) -> String {
        let at = min(max(index, 0), lines.count)
        let start = max(0, at - context)
        let end = min(lines.count, at + context)
        let oldCount = end - start
        let newCount = oldCount + inserted.count
        // An empty range is numbered by the line before it (diff -u: "-0,0").
        let oldStart = oldCount == 0 ? start : start + 1
        let newStart = newCount == 0 ? start : start + 1
        var out = "--- \(oldLabel)\n+++ \(newLabel)\n"
        out += "@@ -\(range(oldStart, oldCount)) +\(range(newStart, newCount)) @@\n"
        let lastIndex = lines.count - 1
        for position in start..<at {
            out += " " + lines[position] + "\n"
            if position == lastIndex && !endsWithNewline { out += "\\ No newline at end of file\n" }
        }
        if at == lines.count && !endsWithNewline && at > 0 {
            // Appending after a last line without a newline changes that
            // line too; fix nss-env never inserts there (curl comes after).
            return out
        }
        for line in inserted { out += "+" + line + "\n" }
        for position in at..<end {
            out += " " + lines[position] + "\n"
            if position == lastIndex && !endsWithNewline { out += "\\ No newline at end of file\n" }
        }
        return out
    }

    /// `start,count`, with `,count` left out when it is 1, as diff -u does.
    static func range(_ start: Int, _ count: Int) -> String {
        count == 1 ? "\(start)" : "\(start),\(count)"
    }
}
