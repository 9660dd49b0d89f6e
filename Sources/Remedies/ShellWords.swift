/// A line-based reading of a POSIX shell script: enough to find where
/// commands start, what words they run, and the constructs that make a
/// script impossible to edit safely (here-documents, eval) — not a shell
/// parser. Quotes are tracked across lines, `#` comments dropped, here-
/// document bodies recognised, backslash-newline joins lines.
struct ShellWords {
    /// One word as the shell would split it, with how it was written.
    struct Word: Equatable {
        var text: String
        /// Any part was inside quotes ("curl" in `echo "run curl"`).
        var quoted: Bool
        /// The word starts a command: first on the line, or after
        /// `; | & && || ( { !`, `$(` or a backquote, or a keyword such as `then`.
        var commandPosition: Bool
    }

    /// One line of the script and the words on it (words of a here-
    /// document's body are not words: `inHereDocument` is set instead).
    struct Line {
        var number: Int
        var text: String
        var words: [Word]
        var inHereDocument: Bool
        /// The here-document's opener when this is a body line.
        var hereDocumentOpener: Int?
        var isComment: Bool { text.trimmingSpaces.hasPrefix("#") }
        var isBlank: Bool { text.trimmingSpaces.isEmpty }
    }

    static let keywordsBeforeCommand: Set<String> = [
        "then", "do", "else", "elif", "if", "while", "until", "!", "{", "time", "exec", "command", "nohup", "xargs",
    ]

    /// Splits `lines` into words. Fails (nil) when a quote is never closed.
    static func read(_ lines: [String]) -> [Line]? {
        var result: [Line] = []
        var quote: Character? = nil
        var pendingHereDocs: [(delimiter: String, stripTabs: Bool)] = []
        var hereDoc: (delimiter: String, stripTabs: Bool, opener: Int)? = nil
        var continuing = false
        var word = ""
        var wordQuoted = false
        var wordIsCommand = true
        var expectCommand = true

        for (index, text) in lines.enumerated() {
            if let current = hereDoc {
                let candidate = current.stripTabs ? String(text.drop { $0 == "\t" }) : text
                result.append(Line(number: index + 1, text: text, words: [], inHereDocument: true,
                                   hereDocumentOpener: current.opener))
                if candidate == current.delimiter {
                    hereDoc = nil
                    if !pendingHereDocs.isEmpty {
                        let next = pendingHereDocs.removeFirst()
                        hereDoc = (next.delimiter, next.stripTabs, current.opener)
                    }
                }
                continue
            }
            var words: [Word] = []
            if !continuing && quote == nil { expectCommand = true }
            continuing = false
            func finish() {
                guard !word.isEmpty || wordQuoted else { return }
                let isAssignment = !wordQuoted && isAssignmentWord(word) && wordIsCommand
                words.append(Word(text: word, quoted: wordQuoted, commandPosition: wordIsCommand && !isAssignment))
                // After an assignment (`VAR=x curl`) or a keyword the next word
                // is still a command; after any other word it is an argument.
                expectCommand = isAssignment || (wordIsCommand && !wordQuoted && keywordsBeforeCommand.contains(word))
                word = ""
                wordQuoted = false
            }
            var characters = Array(text)
            var i = 0
            if quote == nil { wordIsCommand = expectCommand }
            while i < characters.count {
                let c = characters[i]
                if let open = quote {
                    if c == open {
                        quote = nil
                    } else if c == "\\" && open == "\"" && i + 1 < characters.count {
                        word.append(characters[i + 1])
                        i += 1
                    } else {
                        word.append(c)
                    }
                    i += 1
                    continue
                }
                switch c {
                case "'", "\"":
                    if word.isEmpty && !wordQuoted { wordIsCommand = expectCommand }
                    quote = c
                    wordQuoted = true
                case "\\":
                    if i + 1 < characters.count {
                        word.append(characters[i + 1])
                        i += 1
                    } else {
                        continuing = true
                    }
                case " ", "\t":
                    finish()
                    wordIsCommand = expectCommand
                case "#" where word.isEmpty && !wordQuoted:
                    i = characters.count
                    continue
                case ";", "|", "&", "(", ")", "`":
                    finish()
                    expectCommand = c != ")"
                    wordIsCommand = expectCommand
                case "<" where i + 1 < characters.count && characters[i + 1] == "<"
                    && !(i + 2 < characters.count && characters[i + 2] == "<"):
                    finish()
                    // << or <<-: the delimiter is the next word, quotes removed.
                    var j = i + 2
                    var stripTabs = false
                    if j < characters.count && characters[j] == "-" {
                        stripTabs = true
                        j += 1
                    }
                    while j < characters.count && (characters[j] == " " || characters[j] == "\t") { j += 1 }
                    var delimiter = ""
                    while j < characters.count && !" \t;|&<>()".contains(characters[j]) {
                        if characters[j] != "'" && characters[j] != "\"" && characters[j] != "\\" {
                            delimiter.append(characters[j])
                        }
                        j += 1
                    }
                    guard !delimiter.isEmpty else { return nil }
                    pendingHereDocs.append((delimiter, stripTabs))
                    i = j
                    wordIsCommand = false
                    continue
                case "$" where i + 1 < characters.count && characters[i + 1] == "(":
                    finish()
                    i += 2
                    expectCommand = true
                    wordIsCommand = true
                    continue
                default:
                    if word.isEmpty && !wordQuoted && c == "{" && i + 1 < characters.count && characters[i + 1] == " " {
                        word = "{"
                    } else {
                        word.append(c)
                    }
                }
                i += 1
            }
            if quote != nil {
                word.append("\n")
            } else if !continuing {
                finish()
            }
            characters.removeAll()
            result.append(Line(number: index + 1, text: text, words: words, inHereDocument: false, hereDocumentOpener: nil))
            if !pendingHereDocs.isEmpty && quote == nil && !continuing {
                let next = pendingHereDocs.removeFirst()
                hereDoc = (next.delimiter, next.stripTabs, index + 1)
            }
        }
        if quote != nil || hereDoc != nil { return nil }
        return result
    }

    /// `word` as one shell word: as it is when every character is safe,
    /// else in single quotes (a `'` inside as `'\''`).
    static func quoted(_ word: String) -> String {
        let safe = !word.isEmpty && word.unicodeScalars.allSatisfy {
            ($0.properties.isAlphabetic && $0.isASCII) || ("0"..."9").contains($0) || "/._-+:,@%=".unicodeScalars.contains($0)
        }
        if safe { return word }
        var out = "'"
        for character in word { out += character == "'" ? "'\\''" : String(character) }
        return out + "'"
    }

    /// `NAME=value`: a shell assignment word.
    static func isAssignmentWord(_ word: String) -> Bool {
        guard let equals = word.firstIndex(of: "="), equals != word.startIndex else { return false }
        let name = word[..<equals]
        guard let first = name.first, first == "_" || first.isLetter else { return false }
        return name.allSatisfy { $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) }
    }
}
