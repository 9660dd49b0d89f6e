import ArgumentParser
import KernelFiles
import MemoryModel

/// The options every view shares (CLI.md, "Conventions for every command").
public struct GlobalOptions: ParsableArguments {
    public init() {}

    @Option(name: .customLong("root"), help: ArgumentHelp(
        "Read DIR/proc and DIR/sys instead of /proc and /sys (a captured bundle's sample, a fixture, a chroot). Default /.",
        valueName: "DIR"))
    public var rootOption: String?

    @Option(name: .long, help: ArgumentHelp(
        "Read a bundle written by `memsleuth capture` (a directory or .tar.gz); one-sample views show its latest sample.",
        valueName: "FILE"))
    public var bundle: String?

    @Flag(name: .long, help: "Print one JSON document on stdout and nothing else there.")
    public var json = false

    public var root: String { rootOption ?? "/" }

    public func validate() throws {
        if rootOption != nil && bundle != nil {
            throw ValidationError("--bundle and --root cannot be used together (--bundle already names the root)")
        }
        guard !root.isEmpty else { throw ValidationError("--root needs a directory") }
        guard bundle?.isEmpty != true else { throw ValidationError("--bundle needs a directory or .tar.gz") }
    }

    public var request: GlobalRequest { GlobalRequest(root: root, json: json, bundle: bundle) }
}

extension GlobalRequest {
    /// The root to read through: `--root`, or the latest sample of
    /// `--bundle`; a `--root` that is not laid out like `/` is refused with
    /// what it should look like.
    public func procRoot(_ environment: CommandEnvironment) throws(CommandFailure) -> ProcRoot {
        if let reader = try bundleReader(environment) { return reader.latest.root }
        let procRoot = ProcRoot(root, io: environment.io)
        if !procRoot.isLive && !procRoot.exists("proc") && !procRoot.exists("sys") {
            throw CommandFailure(
                "\(root) has neither proc/ nor sys/ (--root wants a directory laid out like /, e.g. a bundle's samples/0000)")
        }
        return procRoot
    }

    /// The `--bundle`, opened (a `.tar.gz` extracted to a private temporary
    /// directory removed at exit); nil without `--bundle`. Commands that look
    /// at time use all of its samples (`BundleReader.snapshots()`).
    public func bundleReader(_ environment: CommandEnvironment) throws(CommandFailure) -> BundleReader? {
        guard let bundle else { return nil }
        return try BundleArchive.open(bundle, io: environment.io)
    }
}
