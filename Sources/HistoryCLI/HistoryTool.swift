import ArgumentParser
import MemsleuthCLI

/// The commands that need the history store (GRDB): `memsleuth record`,
/// `history` and `diff`. They run in the `memsleuth-history` executable,
/// which `memsleuth` execs for them, so that the one-shot views never load
/// the store's packages (docs/ARCHITECTURE.md, "the split"). Usage and help
/// still say `memsleuth …`: to the user it is one tool.
public struct HistoryTool: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "memsleuth",
        abstract: "Record memory history and look back at it.",
        version: MemsleuthVersion.current,
        subcommands: [Record.self, History.self, Diff.self, Doctor.self])

    public init() {}
}
