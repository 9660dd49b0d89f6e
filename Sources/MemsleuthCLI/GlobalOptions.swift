import ArgumentParser
import KernelFiles

/// The options every view shares (CLI.md, "Conventions for every command").
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Read DIR/proc and DIR/sys instead of /proc and /sys (a captured bundle, a fixture, a chroot).",
        valueName: "DIR"))
    var root: String = "/"

    @Flag(name: .long, help: "Print one JSON document on stdout and nothing else there.")
    var json = false

    func validate() throws {
        guard !root.isEmpty else { throw ValidationError("--root needs a directory") }
    }

    var request: GlobalRequest { GlobalRequest(root: root, json: json) }
}

extension GlobalRequest {
    /// The root to read through; a `--root` that is not laid out like `/`
    /// is refused with what it should look like.
    func procRoot(_ environment: CommandEnvironment) throws(CommandFailure) -> ProcRoot {
        let procRoot = ProcRoot(root, io: environment.io)
        if !procRoot.isLive && !procRoot.exists("proc") && !procRoot.exists("sys") {
            throw CommandFailure(
                "\(root) has neither proc/ nor sys/ (--root wants a directory laid out like /, e.g. a bundle's samples/0000)")
        }
        return procRoot
    }
}
