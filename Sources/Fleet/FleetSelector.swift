/// The `--selector` label matchers (`{job="memsleuth"}`), added to every
/// query fleet sends so it only sees the hosts the user means.
public struct FleetSelector: Sendable, Equatable {
    /// The matchers between the braces, trimmed; empty for `{}`.
    public let matchers: String

    public static let `default` = FleetSelector(matchers: #"job="memsleuth""#)

    init(matchers: String) { self.matchers = matchers }

    /// nil unless `text` is a brace-enclosed matcher set. The matchers
    /// themselves are checked by Prometheus, whose error fleet shows.
    public init?(_ text: String) {
        let trimmed = text.trimmingWhitespace
        guard trimmed.hasPrefix("{"), trimmed.hasSuffix("}"), trimmed.count >= 2 else { return nil }
        var inner = String(trimmed.dropFirst().dropLast()).trimmingWhitespace
        while inner.hasSuffix(",") { inner.removeLast() }
        matchers = inner
    }

    /// `metric{<selector>,<extra>}`.
    public func series(_ metric: String, _ extra: String = "") -> String {
        let all = [matchers, extra].filter { !$0.isEmpty }.joined(separator: ",")
        return "\(metric){\(all)}"
    }

    public var text: String { "{\(matchers)}" }
}

extension String {
    var trimmingWhitespace: String {
        var text = Substring(self)
        while let first = text.first, first.isWhitespace { text.removeFirst() }
        while let last = text.last, last.isWhitespace { text.removeLast() }
        return String(text)
    }
}
