/// `fix nss-env`: the edit that exports `NSS_SDB_USE_CACHE=yes` before a
/// shell script calls curl, so that NSS skips the access() probes that fill
/// the dentry cache (PRODUCT.md, the incident's permanent fix).
///
/// The script is read line by line (`ShellWords`); anything that makes it
/// unsafe to edit that way is refused with the reason: not text, not a shell
/// script, no curl, curl inside a here-document (it may run elsewhere, as in
/// `ssh host <<EOF`), `eval`, curl behind sudo (which resets the
/// environment), or NSS_SDB_USE_CACHE set to something else.
public struct NSSScriptEdit: Sendable, Equatable {
    public static let variable = "NSS_SDB_USE_CACHE"
    public static let insertedLines = [
        "# Added by memsleuth fix nss-env: NSS (curl on RHEL 6/7) skips the access() probes that fill the dentry cache.",
        "export NSS_SDB_USE_CACHE=yes",
    ]

    public enum Outcome: Sendable, Equatable {
        /// Insert `insertedLines` before line `before` (0-based; the lines
        /// after the shebang and leading comments).
        case insert(before: Int)
        /// Nothing to do, and why ("already exported on line 3").
        case alreadyDone(String)
        /// Cannot be edited safely, and why.
        case refused(String)
    }

    public var outcome: Outcome
    /// The script's lines, without their newlines.
    public var lines: [String]
    /// Whether the last line ended with a newline.
    public var endsWithNewline: Bool
    /// Lines (1-based) where curl runs.
    public var curlLines: [Int]

    /// Analyses a script's bytes.
    public init(bytes: [UInt8]) {
        lines = []
        endsWithNewline = true
        curlLines = []
        if bytes.contains(0) {
            outcome = .refused("it is a binary file (it contains NUL bytes), not a shell script")
            return
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            outcome = .refused("it is not UTF-8 text")
            return
        }
        if text.contains("\r") {
            outcome = .refused("it has CR (DOS) line ends, which a shell would not run as written")
            return
        }
        var split = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        endsWithNewline = text.isEmpty || text.hasSuffix("\n")
        if endsWithNewline, !split.isEmpty { split.removeLast() }
        lines = split
        outcome = NSSScriptEdit.analyse(split, curlLines: &curlLines)
    }

    /// Commands that run their arguments as a command (`sudo -u x curl`).
    static let wrappers: Set<String> = [
        "sudo", "doas", "su", "env", "nohup", "timeout", "xargs", "nice", "ionice", "setsid", "stdbuf", "chroot",
        "flock", "runuser", "exec", "command", "time",
    ]

    static let shells: Set<String> = ["sh", "bash", "dash", "ksh", "mksh", "zsh", "ash", "busybox"]

    static func analyse(_ lines: [String], curlLines: inout [Int]) -> Outcome {
        if let first = lines.first, first.hasPrefix("#!") {
            let words = first.dropFirst(2).split(whereSeparator: { $0 == " " || $0 == "\t" })
            var program = words.first.map { String($0.split(separator: "/").last ?? $0) } ?? ""
            if program == "env", words.count > 1 { program = String(words[1].split(separator: "/").last ?? words[1]) }
            guard shells.contains(program) else {
                return .refused("its first line runs \(program.isEmpty ? "nothing" : program), not a POSIX shell")
            }
        }
        guard let parsed = ShellWords.read(lines) else {
            return .refused("a quote or here-document is never closed, so its lines cannot be read safely")
        }
        var assignments: [Int] = []  // lines with NSS_SDB_USE_CACHE=yes exported before any curl
        var curlsWithPrefix = 0
        var quotedCurl = false
        for line in parsed {
            if line.inHereDocument {
                if containsCurlWord(line.text) {
                    return .refused("curl on line \(line.number) is inside a here-document (opened on line "
                        + "\(line.hereDocumentOpener ?? 0)): it may run in another shell or on another host, "
                        + "where an export here does not reach")
                }
                continue
            }
            for (index, word) in line.words.enumerated() {
                if word.commandPosition && !word.quoted && word.text == "eval" {
                    return .refused("line \(line.number) uses eval: the commands it runs cannot be read from the file")
                }
                if let value = assignedValue(word) {
                    guard value == "yes" else {
                        return .refused("line \(line.number) sets \(variable) to \"\(value)\": change it to yes by hand")
                    }
                }
                let wrapped = !word.quoted && isCurlPath(word.text)
                    && line.words[..<index].contains { !$0.quoted && wrappers.contains($0.text) }
                let isCurl = (word.commandPosition && !word.quoted && isCurlPath(word.text)) || wrapped
                    || (word.quoted && (word.text.contains("$(curl ") || word.text.contains("`curl ")))
                if word.quoted && !isCurl && containsCurlWord(word.text) { quotedCurl = true }
                guard isCurl else { continue }
                curlLines.append(line.number)
                let before = line.words[..<index]
                if let sudo = before.last(where: { ["sudo", "su", "doas"].contains($0.text) && !$0.quoted }) {
                    return .refused("curl on line \(line.number) runs through \(sudo.text), which resets the "
                        + "environment: add \(variable)=yes to its command (or sudo's env_keep) by hand")
                }
                if before.contains(where: { !$0.quoted && $0.text == "-i" }) && before.contains(where: { $0.text == "env" }) {
                    return .refused("curl on line \(line.number) runs under env -i, which clears the environment")
                }
                if before.contains(where: { assignedValue($0) == "yes" }) { curlsWithPrefix += 1 }
            }
            if curlLines.isEmpty, isExportOfYes(line) { assignments.append(line.number) }
        }
        if curlLines.isEmpty {
            return .refused(quotedCurl
                ? "curl appears only inside quotes (sh -c, a string): cannot tell whether or where it runs"
                : "it does not run curl")
        }
        if let line = assignments.first { return .alreadyDone("\(variable)=yes is already exported on line \(line), before curl") }
        if curlsWithPrefix == curlLines.count {
            return .alreadyDone("every curl already runs with \(variable)=yes in its environment")
        }
        return .insert(before: insertionIndex(parsed))
    }

    /// After the shebang and the comment lines that open the script (a
    /// blank line after them stays where it is).
    static func insertionIndex(_ lines: [ShellWords.Line]) -> Int {
        var index = 0
        for (position, line) in lines.enumerated() {
            if line.isComment { index = position + 1 } else if !line.isBlank { break }
        }
        return index
    }

    /// The value of a `NSS_SDB_USE_CACHE=value` word, else nil.
    static func assignedValue(_ word: ShellWords.Word) -> String? {
        let prefix = variable + "="
        guard word.text.hasPrefix(prefix) else { return nil }
        return String(word.text.dropFirst(prefix.count))
    }

    /// `export NSS_SDB_USE_CACHE=yes`, or `NSS_SDB_USE_CACHE=yes; export
    /// NSS_SDB_USE_CACHE` on one line, at the start of a command.
    static func isExportOfYes(_ line: ShellWords.Line) -> Bool {
        let words = line.words.map(\.text)
        for (index, word) in words.enumerated() where word == "export" || word == "declare" || word == "typeset" {
            if words[(index + 1)...].contains(variable + "=yes") { return true }
            if words[(index + 1)...].contains(variable) && words[..<index].contains(variable + "=yes") { return true }
        }
        return false
    }

    static func isCurlPath(_ word: String) -> Bool { word == "curl" || word.hasSuffix("/curl") }

    /// "curl" as a whole word somewhere in `text`.
    static func containsCurlWord(_ text: String) -> Bool {
        let characters = Array(text)
        let target = Array("curl")
        guard characters.count >= target.count else { return false }
        for start in 0...(characters.count - target.count) where Array(characters[start..<(start + target.count)]) == target {
            let before = start == 0 ? " " : characters[start - 1]
            let after = start + target.count < characters.count ? characters[start + target.count] : " "
            if !(before.isLetter || before.isNumber || before == "_" || before == "-"),
               !(after.isLetter || after.isNumber || after == "_" || after == "-") { return true }
        }
        return false
    }

    // MARK: the edit

    /// The script with the lines inserted; nil unless `outcome` is `.insert`.
    public var edited: [UInt8]? {
        guard case .insert(let index) = outcome else { return nil }
        var result = lines
        result.insert(contentsOf: NSSScriptEdit.insertedLines, at: index)
        let text = result.joined(separator: "\n") + (endsWithNewline ? "\n" : "")
        return Array(text.utf8)
    }

    /// The unified diff of the edit, labelled with `path`; nil unless `.insert`.
    public func diff(path: String) -> String? {
        guard case .insert(let index) = outcome else { return nil }
        return UnifiedDiff.insertion(of: NSSScriptEdit.insertedLines, before: index, in: lines,
                                     endsWithNewline: endsWithNewline, oldLabel: path, newLabel: path)
    }
}
