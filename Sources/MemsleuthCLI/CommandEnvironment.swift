#if canImport(Glibc)
import Glibc
#endif
import KernelFiles

/// What a command may know about the world it runs in: the file seam, the
/// terminal, the environment variables it honours. Tests build their own.
public struct CommandEnvironment: Sendable {
    public var io: FileIO
    /// stdout is a terminal: colour and in-place refresh are allowed.
    public var isTerminal: Bool
    /// `NO_COLOR` is set (https://no-color.org).
    public var noColor: Bool
    public var terminalColumns: Int
    public var terminalRows: Int

    public init(io: FileIO = .system, isTerminal: Bool = false, noColor: Bool = true,
                terminalColumns: Int = 80, terminalRows: Int = 24) {
        self.io = io
        self.isTerminal = isTerminal
        self.noColor = noColor
        self.terminalColumns = terminalColumns
        self.terminalRows = terminalRows
    }

    /// The real process's environment.
    public static func live() -> CommandEnvironment {
        let terminal = isatty(STDOUT_FILENO) == 1
        var size = winsize()
        let hasSize = terminal && ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0 && size.ws_col > 0
        return CommandEnvironment(
            io: .system,
            isTerminal: terminal,
            noColor: getenv("NO_COLOR") != nil,
            terminalColumns: hasSize ? Int(size.ws_col) : 80,
            terminalRows: hasSize ? Int(size.ws_row) : 24)
    }

    public var useColor: Bool { isTerminal && !noColor }
}
