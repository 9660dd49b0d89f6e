import KernelFiles

/// A command could not do its job: one line for the user (what, why, what to
/// do) and the exit code. Printed as `memsleuth: <message>`.
public struct CommandFailure: Error, Sendable {
    public let message: String
    public let exitCode: Int32

    public init(_ message: String, exitCode: Int32 = 1) {
        self.message = message
        self.exitCode = exitCode
    }

    /// The failure for a source a command cannot do without.
    public init(_ error: SourceError, remedy: String? = nil) {
        var message = error.description
        if let remedy { message += " (\(remedy))" }
        self.init(message)
    }
}
