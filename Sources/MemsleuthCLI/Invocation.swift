import ArgumentParser

/// Runs memsleuth with the given arguments, in-process: the executable's
/// `main.swift` and the tests both come through here.
public enum Invocation {
    /// Parses, runs and returns the exit code. Errors become one line on
    /// `context.err` (`memsleuth: …`); usage errors exit 64.
    public static func run(_ arguments: [String], context: CommandContext,
                           root: any ParsableCommand.Type = Memsleuth.self) -> Int32 {
        let command: any ParsableCommand
        do {
            command = try root.parseAsRoot(arguments)
        } catch {
            return report(error, context: context, root: root)
        }
        guard let view = command as? any MemsleuthCommand else {
            // The root without a subcommand, `help`, or a group: argument-parser
            // answers with help (as a CleanExit) or a usage error.
            do {
                var command = command
                try command.run()
                context.out.write(root.helpMessage(for: type(of: command)) + "\n")
                return 0
            } catch {
                return report(error, context: context, root: root)
            }
        }
        do {
            return try view.execute(context)
        } catch {
            context.err.write("memsleuth: \(error.message)\n")
            return error.exitCode
        }
    }

    /// What argument-parser says about a parse error, help or version
    /// request, with its exit code (64 for usage errors).
    private static func report(_ error: any Error, context: CommandContext, root: any ParsableCommand.Type) -> Int32 {
        let code = root.exitCode(for: error).rawValue
        let message = root.fullMessage(for: error)
        if code == 0 {
            if !message.isEmpty { context.out.write(message + "\n") }
        } else {
            context.err.write(message + "\n")
        }
        return code
    }

    /// Runs with captured output; for tests and in-process callers.
    public static func capture(
        _ arguments: [String], environment: CommandEnvironment = CommandEnvironment(),
        maxFrames: Int = .max, root: any ParsableCommand.Type = Memsleuth.self
    ) -> (stdout: String, stderr: String, exitCode: Int32) {
        let out = CapturedText()
        let err = CapturedText()
        var frames = 0
        let context = CommandContext(
            environment: environment, out: out.sink, err: err.sink,
            sleep: { _ in frames += 1 }, shouldStop: { frames >= maxFrames })
        let code = run(arguments, context: context, root: root)
        return (out.text, err.text, code)
    }
}
