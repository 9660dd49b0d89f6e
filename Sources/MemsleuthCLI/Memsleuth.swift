import ArgumentParser

/// The root of the command tree. Subcommands live one per file, as
/// `extension Memsleuth`.
public struct Memsleuth: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "memsleuth",
        abstract: "Where a Linux host's memory went, and why.",
        discussion: """
            Every view reads through --root (default /), so it works the same on a captured \
            bundle or a fixture tree. Sizes in --json output are bytes.
            """,
        version: MemsleuthVersion.current,
        // CLI.md: `memsleuth` with no subcommand is `memsleuth doctor`.
        subcommands: [
            Meminfo.self, Free.self, Vmstat.self, Slabtop.self, Dcache.self, Numa.self, Buddy.self,
            Snapshot.self, Ps.self, Smaps.self, Layout.self, Pagemap.self, Cgroups.self, Doctor.self, Check.self,
            Capture.self, Fix.self, Trace.self, Reproduce.self, RecordForwarder.self, HistoryForwarder.self,
            DiffForwarder.self, ServeForwarder.self, FleetForwarder.self,
        ],
        defaultSubcommand: Doctor.self)

    public init() {}
}

public enum MemsleuthVersion {
    public static let current = "0.1.0"
}
