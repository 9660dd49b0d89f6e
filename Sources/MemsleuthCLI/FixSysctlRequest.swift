import KernelFiles
import MemoryModel
import Remedies
import Rendering

/// Setting one sysctl (`fix cache-pressure`, `fix negative-dentries`): the
/// current value, the proposal and its trade-off, how to persist it; with
/// --apply the write, the value read back, the sysctl.d file and the log.
struct SysctlRequest {
    var global: GlobalRequest
    var setting: SysctlSetting
    /// The action's name in the log and the output.
    var action: String
    var value: UInt64
    var apply: Bool
    var persist: Bool
    var environment: FixEnvironment
    /// What the value changes, for better and worse.
    var tradeOff: String
    /// Said when the kernel has no such file.
    var absent: String

    var confPath: String { environment.sysctlDirectory + "/" + SysctlConf.fileName }

    func run(_ context: CommandContext) throws(CommandFailure) -> Int32 {
        if apply { try environment.checkCanApply(global) }
        let root = try global.procRoot(context.environment)
        let current: UInt64?
        do { current = try setting.current(root) } catch { throw CommandFailure(error) }
        guard let current else {
            let release = root.hostFacts(buffer: ReadBuffer()).kernelRelease.map { " (Linux \($0))" } ?? ""
            let message = "\(setting.key) does not exist on this kernel\(release): \(absent)"
            if apply { throw CommandFailure(message) }
            context.out.write(global.json ? FixView.sysctlAbsentJSON(action: action, setting: setting, message: message).rendered() + "\n"
                                          : message + "\n")
            return 0
        }
        let existingConf = FixFiles.readText(confPath)
        let newConf = SysctlConf.setting(setting.key, to: value, in: existingConf)
        let plan = FixView.SysctlPlan(action: action, setting: setting, path: root.path(setting.file), current: current,
                                      proposed: value, tradeOff: tradeOff, persist: persist, confPath: confPath,
                                      confText: newConf)
        guard apply else {
            context.out.write(global.json ? FixView.sysctlPlanJSON(plan, applied: nil).rendered() + "\n" : FixView.sysctlPlan(plan))
            return 0
        }
        do { try setting.set(value, root: root, writes: environment.writes) } catch { throw CommandFailure(error.message) }
        let readBack = try? setting.current(root)
        if persist {
            do throws(WriteFailure) {
                if let failure = StateDirectory.create(environment.sysctlDirectory) {
                    throw WriteFailure(path: failure.path, errno: .init(rawValue: failure.errno))
                }
                try AtomicFile.replace(confPath, with: Array(newConf.utf8), writes: environment.writes)
            } catch {
                throw CommandFailure("\(setting.key) is now \(value), but it is not persisted: \(error.message)")
            }
        }
        var arguments = [String(value)]
        if persist { arguments.append("--persist") }
        let logged = environment.append(
            environment.record(action: action, arguments: arguments,
                               before: [.number("value", current)],
                               after: [.number("value", readBack ?? nil), .text("persisted", persist ? confPath : nil)]),
            context: context)
        context.out.write(global.json ? FixView.sysctlPlanJSON(plan, applied: readBack ?? nil).rendered() + "\n"
                                      : FixView.sysctlResult(plan, readBack: readBack ?? nil))
        return logged ? 0 : 1
    }
}

/// Plain file reads for the few files `fix` reads outside /proc.
enum FixFiles {
    /// The whole file as text; nil when it cannot be read.
    static func readText(_ path: String) -> String? {
        let buffer = ReadBuffer()
        guard (try? ProcRoot("/").read(String(path.drop { $0 == "/" }), into: buffer)) != nil else { return nil }
        return String(decoding: buffer.bytes, as: UTF8.self)
    }

    static func readBytes(_ path: String) throws(ReadError) -> [UInt8] {
        let buffer = ReadBuffer()
        let relative = path.hasPrefix("/") ? String(path.drop { $0 == "/" }) : path
        let root = path.hasPrefix("/") ? ProcRoot("/") : ProcRoot(".")
        try root.read(relative, into: buffer)
        return buffer.bytes
    }
}

extension FixView {
    struct SysctlPlan {
        var action: String
        var setting: SysctlSetting
        var path: String
        var current: UInt64
        var proposed: UInt64
        var tradeOff: String
        var persist: Bool
        var confPath: String
        var confText: String
    }

    static func sysctlPlan(_ plan: SysctlPlan) -> String {
        var out = "Dry run: memsleuth fix \(plan.action) would set \(plan.setting.key)\n"
        out += "  now:      \(plan.current)  (\(plan.path))\n"
        out += "  proposed: \(plan.proposed)\(plan.current == plan.proposed ? "  (already set: nothing would change now)" : "")\n"
        out += "Trade-off:\n" + wrap(plan.tradeOff)
        if plan.persist {
            out += "--persist would write \(plan.confPath):\n"
            for line in plan.confText.split(separator: "\n", omittingEmptySubsequences: false).dropLast() { out += "  | \(line)\n" }
        } else {
            out += wrap("It lasts until reboot. To keep it, add --persist (writes \(plan.confPath): "
                + "\(plan.setting.key) = \(plan.proposed)).", indent: 0)
        }
        out += "Nothing was changed. Add --apply to do it (root, on the live host).\n"
        return out
    }

    static func sysctlResult(_ plan: SysctlPlan, readBack: UInt64?) -> String {
        var out = "Set \(plan.setting.key): \(plan.current) -> \(readBack.map(String.init) ?? "unknown (could not read it back)")\n"
        if plan.persist { out += "Persisted in \(plan.confPath) (applied at boot by systemd-sysctl).\n" }
        else { out += "Until reboot (add --persist to keep it).\n" }
        out += "Logged (memsleuth fix --log).\n"
        return out
    }

    static func sysctlPlanJSON(_ plan: SysctlPlan, applied: UInt64?) -> JSONValue {
        .object([
            ("action", .string(plan.action)), ("dry_run", .bool(applied == nil)), ("sysctl", .string(plan.setting.key)),
            ("file", .string(plan.path)), ("current", .uint(plan.current)), ("proposed", .uint(plan.proposed)),
            ("applied", .uint(applied)), ("trade_off", .string(plan.tradeOff)), ("persist", .bool(plan.persist)),
            ("persist_file", .string(plan.confPath)), ("persist_content", .string(plan.confText)),
        ])
    }

    static func sysctlAbsentJSON(action: String, setting: SysctlSetting, message: String) -> JSONValue {
        .object([("action", .string(action)), ("dry_run", .bool(true)), ("sysctl", .string(setting.key)),
                 ("exists", .bool(false)), ("current", .null), ("message", .string(message))])
    }
}
