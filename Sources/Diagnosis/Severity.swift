/// How bad a finding is, ordered, with the monitoring-plugin exit codes
/// (Nagios/Icinga): OK 0, WARNING 1, CRITICAL 2, UNKNOWN 3. INFO explains
/// something worth knowing that needs no action: it exits 0 like OK.
public enum Severity: Int, Sendable, Comparable, CaseIterable {
    case ok = 0
    case info = 1
    case warning = 2
    case critical = 3

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The stable name used in JSON and in the knowledge base.
    public var name: String {
        switch self {
        case .ok: return "OK"
        case .info: return "INFO"
        case .warning: return "WARNING"
        case .critical: return "CRITICAL"
        }
    }

    /// The monitoring-plugin exit code.
    public var exitCode: Int32 {
        switch self {
        case .ok, .info: return 0
        case .warning: return 1
        case .critical: return 2
        }
    }

    /// UNKNOWN: the doctor could not judge (nothing readable).
    public static let unknownExitCode: Int32 = 3
}
