/// A kernel file did not have the shape its parser knows: which file, which
/// line (1-based), the line's text and what was expected there.
public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public let path: String
    /// 1-based line number; nil when the problem is the file as a whole
    /// (empty, no header).
    public let line: Int?
    /// The offending line, cut to 120 bytes and made printable.
    public let text: String?
    public let expected: String

    public init(path: String, line: Int?, text: String?, expected: String) {
        self.path = path
        self.line = line
        self.text = text
        self.expected = expected
    }

    public var description: String {
        var message = "cannot parse \(path)"
        if let line { message += " line \(line)" }
        message += ": expected \(expected)"
        if let text { message += ", found \"\(text)\"" }
        return message
    }
}

/// Either way a source can fail. Parsers throw `ParseError`; reading throws
/// `ReadError`; a function that does both throws this.
public enum SourceError: Error, Sendable, Equatable, CustomStringConvertible {
    case read(ReadError)
    case parse(ParseError)

    public var path: String {
        switch self {
        case .read(let error): return error.path
        case .parse(let error): return error.path
        }
    }

    public var description: String {
        switch self {
        case .read(let error): return error.description
        case .parse(let error): return error.description
        }
    }
}
