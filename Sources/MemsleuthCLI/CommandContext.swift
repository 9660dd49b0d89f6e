/// Everything a command's body needs from outside: the environment, where
/// to write, and how to wait (tests make waiting instant).
public struct CommandContext {
    public var environment: CommandEnvironment
    public var out: OutputSink
    public var err: OutputSink
    /// Waits between samples; `vmstat 1 5` and refreshing `slabtop` use it.
    public var sleep: (Double) -> Void
    /// Stops a refreshing view early (SIGINT sets it; tests count frames).
    public var shouldStop: () -> Bool
    /// A command that runs until stopped calls this first, so that SIGINT
    /// and SIGTERM set `shouldStop` instead of killing it mid-frame (the
    /// executable installs signal handlers; tests leave it a no-op).
    public var catchInterrupts: () -> Void
    /// True in the real executable: only there may a command replace the
    /// process (exec `memsleuth-history`); in-process callers get an error.
    public var mayExec = false

    public init(environment: CommandEnvironment, out: OutputSink, err: OutputSink,
                sleep: @escaping (Double) -> Void, shouldStop: @escaping () -> Bool = { false },
                catchInterrupts: @escaping () -> Void = {}) {
        self.catchInterrupts = catchInterrupts
        self.environment = environment
        self.out = out
        self.err = err
        self.sleep = sleep
        self.shouldStop = shouldStop
    }
}

/// A memsleuth subcommand: gather → compute → render → print, with its
/// failures as values. Returns the exit code (0, or a monitoring-plugin
/// code for `doctor`/`check`).
public protocol MemsleuthCommand: ParsableCommand {
    func execute(_ context: CommandContext) throws(CommandFailure) -> Int32
}

import ArgumentParser
