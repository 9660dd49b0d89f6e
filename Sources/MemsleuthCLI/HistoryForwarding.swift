#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser

/// `memsleuth record|history|diff` run in the sibling executable
/// `memsleuth-history`, which links the store (GRDB and Foundation) that the
/// one-shot views must not load (docs/PERFORMANCE.md: +0.3 ms on every
/// `memsleuth free`). `memsleuth` replaces itself with it, same arguments.
/// `memsleuth serve` runs in `memsleuth-serve` the same way (it links the
/// HTTP server, NIO and the store).
enum HistoryForwarding {
    static let subcommands: Set<String> = ["record", "history", "diff"]
    static let executableName = "memsleuth-history"
    static let serveExecutableName = "memsleuth-serve"
    /// `fleet` asks Prometheus over HTTP (URLSession): Foundation again.
    static let serveSubcommands: Set<String> = ["serve", "fleet"]

    /// The sibling executable that runs `subcommand`, if it is one of theirs.
    static func executable(for subcommand: String) -> String? {
        if subcommands.contains(subcommand) { return executableName }
        return serveSubcommands.contains(subcommand) ? serveExecutableName : nil
    }

    /// The sibling's path: next to this executable.
    static func siblingPath(_ executableName: String = executableName) -> String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard n > 0 else { return nil }
        let path = String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        guard let slash = path.lastIndex(of: "/") else { return nil }
        return String(path[..<slash]) + "/" + executableName
    }

    /// For a forwarding command: exec the sibling, or — in-process, where
    /// replacing the caller's process would be wrong — say where it runs.
    static func forward(_ arguments: [String], context: CommandContext) -> CommandFailure {
        let executableName = arguments.first.flatMap { executable(for: $0) } ?? executableName
        guard context.mayExec else {
            return CommandFailure("\(arguments.first ?? "") runs in \(executableName); in-process callers use HistoryTool")
        }
        return exec(arguments, executable: executableName)
    }

    /// execv(2)s the sibling; returns only on failure, with the message.
    static func exec(_ arguments: [String], executable executableName: String = executableName) -> CommandFailure {
        guard let path = siblingPath(executableName) else {
            return CommandFailure("cannot find this executable's directory (/proc/self/exe) to run \(executableName)")
        }
        var argv: [UnsafeMutablePointer<CChar>?] = ([executableName] + arguments).map { strdup($0) }
        argv.append(nil)
        execv(path, &argv)
        let reason = String(cString: strerror(errno))
        return CommandFailure("cannot run \(path): \(reason) (memsleuth \(arguments.first ?? "") needs "
            + "\(executableName) installed next to memsleuth)")
    }
}

extension Memsleuth {
    /// Listed in `memsleuth --help`; runs in `memsleuth-history`.
    struct RecordForwarder: MemsleuthCommand {
        static let configuration = CommandConfiguration(
            commandName: "record", abstract: "Sample memory into the history store until stopped (runs memsleuth-history).")
        @Argument(parsing: .captureForPassthrough) var arguments: [String] = []
        func execute(_ context: CommandContext) throws(CommandFailure) -> Int32 {
            throw HistoryForwarding.forward(["record"] + arguments, context: context)
        }
    }

    struct HistoryForwarder: MemsleuthCommand {
        static let configuration = CommandConfiguration(
            commandName: "history", abstract: "A past snapshot or one series over time (runs memsleuth-history).")
        @Argument(parsing: .captureForPassthrough) var arguments: [String] = []
        func execute(_ context: CommandContext) throws(CommandFailure) -> Int32 {
            throw HistoryForwarding.forward(["history"] + arguments, context: context)
        }
    }

    struct DiffForwarder: MemsleuthCommand {
        static let configuration = CommandConfiguration(
            commandName: "diff", abstract: "What grew or shrank between two times (runs memsleuth-history).")
        @Argument(parsing: .captureForPassthrough) var arguments: [String] = []
        func execute(_ context: CommandContext) throws(CommandFailure) -> Int32 {
            throw HistoryForwarding.forward(["diff"] + arguments, context: context)
        }
    }

    struct ServeForwarder: MemsleuthCommand {
        static let configuration = CommandConfiguration(
            commandName: "serve", abstract: "Prometheus /metrics, a JSON API and a web page with plots (runs memsleuth-serve).")
        @Argument(parsing: .captureForPassthrough) var arguments: [String] = []
        func execute(_ context: CommandContext) throws(CommandFailure) -> Int32 {
            throw HistoryForwarding.forward(["serve"] + arguments, context: context)
        }
    }

    struct FleetForwarder: MemsleuthCommand {
        static let configuration = CommandConfiguration(
            commandName: "fleet", abstract: "Rank the hosts a Prometheus server scrapes by memory risk (runs memsleuth-serve).")
        @Argument(parsing: .captureForPassthrough) var arguments: [String] = []
        func execute(_ context: CommandContext) throws(CommandFailure) -> Int32 {
            throw HistoryForwarding.forward(["fleet"] + arguments, context: context)
        }
    }
}
