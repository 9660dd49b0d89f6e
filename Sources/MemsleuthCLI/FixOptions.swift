#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import KernelFiles
import MemoryModel
import Remedies

/// The options every `fix` action shares.
struct FixOptions: ParsableArguments {
    @Flag(name: .long, help: "Do it (needs root, on the live host). Without it, a dry run that changes nothing.")
    var apply = false

    @OptionGroup var log: FixLogOptions

    var logDirectory: String? { log.logDirectory }
}

/// `--log-dir`, one type shared by `fix` and its actions: argument-parser
/// gives an option declared by both a parent and a child to the parent
/// unless both declare it through the same group.
struct FixLogOptions: ParsableArguments {
    @Option(name: .customLong("log-dir"), help: ArgumentHelp(
        "The action log's directory (default: $MEMSLEUTH_STATE_DIR, else /var/lib/memsleuth as root, $XDG_STATE_HOME/memsleuth otherwise).",
        valueName: "DIR"))
    var logDirectory: String?

    func validate() throws {
        if let logDirectory, logDirectory.isEmpty { throw ValidationError("--log-dir needs a directory") }
    }
}

/// What a `fix` action needs from the world besides `CommandContext`: who
/// runs it, where the log is, and the write seam (tests fail or record
/// writes through it).
struct FixEnvironment: Sendable {
    var euid: UInt32 = geteuid()
    var writes: SystemWrites = .system
    var logDirectory: String?
    /// `/etc/sysctl.d`; tests point it elsewhere.
    var sysctlDirectory: String = SysctlConf.directory
    var now: @Sendable () -> WallTime = { WallTime.now() }

    /// The action log: --log-dir, else $MEMSLEUTH_STATE_DIR, else the state directory.
    func log() throws(CommandFailure) -> ActionLog {
        if let logDirectory { return ActionLog(directory: logDirectory) }
        if let override = getenv("MEMSLEUTH_STATE_DIR").map({ String(cString: $0) }), !override.isEmpty {
            return ActionLog(directory: override)
        }
        guard let directory = StateDirectory.current() else {
            throw CommandFailure("neither XDG_STATE_HOME nor HOME is set: give the action log's directory with --log-dir DIR",
                                 exitCode: 64)
        }
        return ActionLog(directory: directory)
    }

    /// The records of the log, or a failure naming the file.
    func records() throws(CommandFailure) -> [ActionRecord] {
        let log = try log()
        do { return try log.read().records } catch {
            throw CommandFailure("cannot read \(log.path): \(error.errno.description)")
        }
    }

    /// The user's name (uid when /etc/passwd does not name it).
    var userName: String {
        if let entry = getpwuid(euid), let name = entry.pointee.pw_name { return String(cString: name) }
        return String(euid)
    }

    /// Refuses `--apply` where it would not change this host, or without root.
    func checkCanApply(_ global: GlobalRequest) throws(CommandFailure) {
        if global.bundle != nil {
            throw CommandFailure("--apply changes the running host: it cannot apply to a --bundle (drop --apply for a dry run on it)",
                                 exitCode: 64)
        }
        if ProcRoot(global.root).isLive == false {
            throw CommandFailure("--apply changes the running host: it cannot apply to --root \(global.root) (drop --apply for a dry run on it)",
                                 exitCode: 64)
        }
        if euid != 0 {
            throw CommandFailure("--apply needs root (run it with sudo; a dry run without --apply needs none)")
        }
    }

    /// Appends the record; a failure is told but does not undo the action.
    func append(_ record: ActionRecord, context: CommandContext) -> Bool {
        do {
            try log().append(record, writes: writes)
            return true
        } catch let error as CommandFailure {
            context.err.write("memsleuth: the action was applied but not logged: \(error.message)\n")
        } catch let error as WriteFailure {
            context.err.write("memsleuth: the action was applied but not logged: \(error.message)\n")
        } catch {
            context.err.write("memsleuth: the action was applied but not logged: \(error)\n")
        }
        return false
    }

    func record(action: String, arguments: [String], before: [JSONNode.Member], after: [JSONNode.Member]) -> ActionRecord {
        ActionRecord(time: now().rfc3339, user: userName, action: action, arguments: arguments, before: before, after: after)
    }
}

extension JSONNode.Member {
    static func number(_ key: String, _ value: UInt64?) -> JSONNode.Member {
        JSONNode.Member(key: key, value: value.map { .number(Double($0)) } ?? .null)
    }
    static func text(_ key: String, _ value: String?) -> JSONNode.Member {
        JSONNode.Member(key: key, value: value.map(JSONNode.string) ?? .null)
    }
}
