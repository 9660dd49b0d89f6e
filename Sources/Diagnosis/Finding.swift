/// One thing the doctor found: a stable rule id, how bad, the evidence with
/// where each figure came from, an explanation that teaches the memory
/// model, and what to do about it.
public struct Finding: Sendable, Equatable {
    /// Stable, documented contract: `slab.dentry.negative-growth` style.
    public var ruleID: String
    public var severity: Severity
    public var title: String
    public var evidence: [Evidence]
    public var explanation: String
    public var remedies: [Remedy]
    public var references: [String]

    public init(ruleID: String, severity: Severity, title: String, evidence: [Evidence], explanation: String,
                remedies: [Remedy], references: [String]) {
        self.ruleID = ruleID
        self.severity = severity
        self.title = title
        self.evidence = evidence
        self.explanation = explanation
        self.remedies = remedies
        self.references = references
    }
}

/// A figure behind a finding: what it is, its value and unit, and the file
/// it was read from (or computed from), so an operator can check it.
public struct Evidence: Sendable, Equatable {
    public enum Unit: String, Sendable { case bytes, count, percent, bytesPerSecond = "bytes_per_second", countPerSecond = "count_per_second", seconds, text }

    public var name: String
    /// nil when unknown (printed as null / "unknown").
    public var value: Double?
    public var unit: Unit
    /// "/proc/meminfo", "/proc/slabinfo", "/proc/1234/maps", or "derived: …".
    public var source: String
    /// Free text for `.text` evidence (a path, a command line) or a note
    /// such as "estimate".
    public var text: String?

    public init(name: String, value: Double?, unit: Unit, source: String, text: String? = nil) {
        self.name = name
        self.value = value
        self.unit = unit
        self.source = source
        self.text = text
    }
}

/// Something the operator can do: the command, what it costs, whether it
/// lasts.
public struct Remedy: Sendable, Equatable {
    public var summary: String
    /// A shell command or config line, when there is one.
    public var command: String?
    public var cost: String
    /// True for a fix of the cause; false for a stop-gap that buys time.
    public var permanent: Bool

    public init(summary: String, command: String?, cost: String, permanent: Bool) {
        self.summary = summary
        self.command = command
        self.cost = cost
        self.permanent = permanent
    }
}
