import ArgumentParser
import KernelFiles
import Remedies
import Rendering

extension Memsleuth.Fix {
    /// `memsleuth fix nss-env --script PATH [--apply]`
    struct NSSEnvAction: MemsleuthCommand {
        static let configuration = CommandConfiguration(
            commandName: "nss-env",
            abstract: "Export NSS_SDB_USE_CACHE=yes before curl in a shell script: the incident's permanent fix.",
            discussion: """
                Prints the change as a unified diff on stdout (patch reads it); --apply writes it \
                atomically, keeping the mode and owner, with a backup PATH.memsleuth-backup-TIME beside \
                it. A script it cannot read safely line by line (here-documents around curl, eval, curl \
                through sudo, not a shell script) is refused with the reason.
                """)

        @OptionGroup var global: GlobalOptions
        @OptionGroup var fix: FixOptions

        @Option(name: .long, help: ArgumentHelp("The shell script that runs curl.", valueName: "PATH"))
        var script: String

        func validate() throws {
            guard !script.isEmpty else { throw ValidationError("--script needs a path") }
        }

        var request: NSSEnvRequest {
            NSSEnvRequest(global: global.request, script: script, apply: fix.apply,
                          environment: FixEnvironment(logDirectory: fix.logDirectory))
        }

        func execute(_ context: CommandContext) throws(CommandFailure) -> Int32 { try request.run(context) }
    }
}

/// What `memsleuth fix nss-env` was asked.
struct NSSEnvRequest {
    var global: GlobalRequest
    var script: String
    var apply: Bool
    var environment: FixEnvironment

    func run(_ context: CommandContext) throws(CommandFailure) -> Int32 {
        if apply {
            // The script is an ordinary file its owner may edit: no root
            // needed, but never "applied" to a capture or another root.
            var unprivileged = environment
            unprivileged.euid = 0
            try unprivileged.checkCanApply(global)
        }
        do {
            _ = try AtomicFile.attributes(of: script)
        } catch {
            if error.errno == .invalidArgument {
                throw CommandFailure("will not edit \(script): it is not a regular file (a symbolic link? give the file it points to)")
            }
            throw CommandFailure("cannot read \(script): \(error.errno.description)")
        }
        let bytes: [UInt8]
        do { bytes = try FixFiles.readBytes(script) } catch {
            throw CommandFailure("cannot read \(script): \(error.errno.description)")
        }
        let edit = NSSScriptEdit(bytes: bytes)
        switch edit.outcome {
        case .refused(let reason):
            throw CommandFailure("will not edit \(script): \(reason)")
        case .alreadyDone(let reason):
            context.out.write(global.json ? json(edit, state: "already-done", reason: reason, backup: nil).rendered() + "\n"
                                          : "Nothing to do in \(script): \(reason).\n")
            return 0
        case .insert:
            break
        }
        guard let diff = edit.diff(path: script), let edited = edit.edited else { return 1 }
        guard apply else {
            if global.json {
                context.out.write(json(edit, state: "dry-run", reason: nil, backup: nil).rendered() + "\n")
            } else {
                context.out.write(diff)
                context.err.write("memsleuth: dry run: nothing was changed; add --apply to write this (a backup is kept)\n")
            }
            return 0
        }
        let backup = AtomicFile.backupPath(script, seconds: environment.now().seconds)
        do {
            try AtomicFile.backUp(script, original: bytes, to: backup, writes: environment.writes)
            try AtomicFile.replace(script, with: edited, writes: environment.writes)
        } catch {
            throw CommandFailure(error.message)
        }
        let logged = environment.append(
            environment.record(action: "nss-env", arguments: ["--script", script],
                               before: [.text("script", script), .number("curl_lines", UInt64(edit.curlLines.count))],
                               after: [.text("backup", backup), .text("inserted", NSSScriptEdit.insertedLines.last)]),
            context: context)
        if global.json {
            context.out.write(json(edit, state: "applied", reason: nil, backup: backup).rendered() + "\n")
        } else {
            context.out.write(diff)
            context.out.write("Edited \(script); the original is in \(backup). Logged (memsleuth fix --log).\n")
        }
        return logged ? 0 : 1
    }

    func json(_ edit: NSSScriptEdit, state: String, reason: String?, backup: String?) -> JSONValue {
        .object([
            ("action", .string("nss-env")), ("script", .string(script)), ("state", .string(state)),
            ("dry_run", .bool(state != "applied")), ("reason", .string(reason)),
            ("curl_lines", .array(edit.curlLines.map { .int(Int64($0)) })),
            ("diff", .string(edit.diff(path: script))), ("backup", .string(backup)),
        ])
    }
}
