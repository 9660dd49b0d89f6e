import KernelFiles
import MemoryModel

/// The doctor's thresholds. Defaults are the incident's: WARNING at 80 %,
/// CRITICAL at 90 % of MemTotal (judged on "used counting reclaimable slab",
/// see `UsedMemory`).
public struct DoctorThresholds: Sendable, Equatable {
    public var warnPercent: Double
    public var critPercent: Double

    public init(warnPercent: Double = 80, critPercent: Double = 90) {
        self.warnPercent = warnPercent
        self.critPercent = critPercent
    }
}

/// What every rule sees: the input, the thresholds and the figures several
/// rules share, computed once.
public struct RuleContext: Sendable {
    public var input: DiagnosisInput
    public var thresholds: DoctorThresholds
    public var used: UsedMemory?
    /// MemTotal split into parts that add up; the rules read shares from it.
    public var account: MemoryAccount

    public init(input: DiagnosisInput, thresholds: DoctorThresholds) {
        self.input = input
        self.thresholds = thresholds
        self.account = MemoryAccount(input)
        self.used = input.snapshot.meminfo.flatMap {
            UsedMemory($0, minFreeBytes: input.snapshot.dcache.sysctls?.minFreeBytes)
        }
    }

    public var snapshot: Snapshot { input.snapshot }
    public var meminfo: Meminfo? { input.snapshot.meminfo }
    public var memTotal: UInt64? { meminfo?.memTotal.flatMap { $0 > 0 ? $0 : nil } }

    /// `bytes` as a percentage of MemTotal; nil when MemTotal is unknown.
    public func percentOfTotal(_ bytes: UInt64?) -> Double? {
        guard let bytes, let memTotal else { return nil }
        return Double(bytes) / Double(memTotal) * 100
    }

    /// Every sample, oldest first, ending with the current one.
    public var samples: [Snapshot] { input.history + [input.snapshot] }
}

/// A rule: a stable id and a pure function of the context and the
/// knowledge-base entry with the same id. Returns nil when it does not apply.
public struct Rule: Sendable {
    public let id: String
    public let evaluate: @Sendable (RuleContext, KnownIssue) -> Finding?

    public init(id: String, evaluate: @escaping @Sendable (RuleContext, KnownIssue) -> Finding?) {
        self.id = id
        self.evaluate = evaluate
    }
}

extension KnownIssue {
    /// A finding with this issue's text. `detail` (what was seen on this
    /// host) comes before the general explanation; `remedies` replaces the
    /// knowledge base's when a rule can be more specific (a script's name).
    public func finding(_ severity: Severity, title: String? = nil, evidence: [Evidence], detail: String? = nil,
                        remedies: [Remedy]? = nil) -> Finding {
        Finding(
            ruleID: id, severity: severity, title: title ?? self.title, evidence: evidence,
            explanation: detail.map { $0 + "\n\n" + explanation } ?? explanation,
            remedies: remedies ?? self.remedies, references: references)
    }
}

extension Evidence {
    static let meminfoSource = "/proc/meminfo"

    /// A /proc/meminfo size, named as the kernel names it.
    static func meminfo(_ name: String, _ bytes: UInt64?) -> Evidence {
        Evidence(name: name, value: bytes.map { Double($0) }, unit: .bytes, source: meminfoSource)
    }

    static func bytes(_ name: String, _ bytes: UInt64?, source: String, text: String? = nil) -> Evidence {
        Evidence(name: name, value: bytes.map { Double($0) }, unit: .bytes, source: source, text: text)
    }

    static func percent(_ name: String, _ value: Double?, source: String, text: String? = nil) -> Evidence {
        Evidence(name: name, value: value, unit: .percent, source: source, text: text)
    }

    static func count(_ name: String, _ value: UInt64?, source: String, text: String? = nil) -> Evidence {
        Evidence(name: name, value: value.map { Double($0) }, unit: .count, source: source, text: text)
    }

    static func text(_ name: String, _ text: String, source: String) -> Evidence {
        Evidence(name: name, value: nil, unit: .text, source: source, text: text)
    }
}

/// Severity from a share against two limits (inclusive).
func severity(_ value: Double?, warn: Double, crit: Double) -> Severity? {
    guard let value else { return nil }
    if value >= crit { return .critical }
    if value >= warn { return .warning }
    return nil
}

/// "37.1 GiB" style text for explanations (the renderer formats evidence).
func humanBytes(_ bytes: UInt64) -> String {
    let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"]
    var value = Double(bytes)
    var unit = 0
    while value >= 1024, unit < units.count - 1 {
        value /= 1024
        unit += 1
    }
    return unit == 0 ? "\(bytes) B" : oneDecimal(value) + " " + units[unit]
}

func oneDecimal(_ value: Double) -> String {
    guard value.isFinite else { return "?" }
    let tenths = (value * 10).rounded()
    guard abs(tenths) < 1e15 else { return String(value) }
    let whole = Int64(tenths) / 10
    let fraction = abs(Int64(tenths) % 10)
    return (tenths < 0 && whole == 0 ? "-" : "") + "\(whole).\(fraction)"
}

/// A derived figure (a rate, a regression value) as bytes: negative, NaN
/// and out-of-range values saturate instead of trapping.
func clampedBytes(_ value: Double) -> UInt64 {
    guard value.isFinite, value > 0 else { return 0 }
    return value >= 1.8e19 ? UInt64.max : UInt64(value)
}
