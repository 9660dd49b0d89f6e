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

    public init(environment: CommandEnvironment, out: OutputSink, err: OutputSink,
                sleep: @escaping (Double) -> Void, shouldStop: @escaping () -> Bool = { false }) {
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
protocol MemsleuthCommand: ParsableCommand {
    func execute(_ context: CommandContext) throws(CommandFailure) -> Int32
}

import ArgumentParser
