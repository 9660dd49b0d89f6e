import KernelFiles
import Logging
import MemsleuthCLI
import Rendering
import Synchronization

/// `POST /api/v1/fix/{action}` once authorized (`FixAuthorization`): the
/// JSON body becomes the arguments of `memsleuth fix ACTION --json`, run in
/// process, so the route has exactly the command's guards (dry run unless
/// `"apply": true`; never applied to a --bundle or --root; root needed;
/// drop-caches' dirty-memory and 10-minute guards; the action log).
///
///     POST /api/v1/fix/drop-caches        {"level": 2, "apply": true, "force": false}
///     POST /api/v1/fix/cache-pressure     {"value": 200, "persist": false, "apply": true}
///     POST /api/v1/fix/negative-dentries  {"value": 1, "persist": false, "apply": true}
///
/// 200 with the command's JSON; 400 for a body it cannot use, 404 for
/// another action, 409 when the command refuses (or another fix is
/// running), 500 when the action was applied but could not be logged.
public enum FixRoute {
    /// The actions reachable over HTTP, and the body members each takes
    /// besides `apply`: (member, kind) where kind is "bool" or "integer".
    static let actions: [String: [(member: String, kind: Kind)]] = [
        "drop-caches": [("level", .integer), ("force", .bool)],
        "cache-pressure": [("value", .integer), ("persist", .bool), ("force", .bool)],
        "negative-dentries": [("value", .integer), ("persist", .bool)],
    ]

    enum Kind { case bool, integer }

    /// What a request asks: the command line, or why not.
    enum Parsed: Equatable {
        case run(arguments: [String], apply: Bool)
        case problem(status: Int, message: String)
    }

    /// The `memsleuth` arguments for `action` with `body`, reading the data
    /// source the server reads.
    static func arguments(action: String, body: String, source: ServeConfiguration.Source) -> Parsed {
        guard let members = actions[action] else {
            return .problem(status: 404, message: "no fix action \(action) over HTTP (drop-caches, cache-pressure, negative-dentries)")
        }
        let document: JSONNode
        if body.allSatisfy({ $0.isWhitespace }) {
            document = .object([])
        } else {
            do { document = try JSONParser.parse(body) } catch {
                return .problem(status: 400, message: "the body is not JSON: \(error)")
            }
        }
        guard case .object(let given) = document else {
            return .problem(status: 400, message: "the body must be a JSON object, e.g. {\"apply\": false}")
        }
        var arguments = ["fix", action]
        var apply = false
        for member in given {
            if member.key == "apply" {
                guard let flag = member.value.boolValue else { return .problem(status: 400, message: "apply must be true or false") }
                apply = flag
                continue
            }
            guard let known = members.first(where: { $0.member == member.key }) else {
                let names = (["apply"] + members.map(\.member)).joined(separator: ", ")
                return .problem(status: 400, message: "\(action) takes \(names), not \(member.key)")
            }
            switch known.kind {
            case .bool:
                guard let flag = member.value.boolValue else { return .problem(status: 400, message: "\(member.key) must be true or false") }
                if flag { arguments.append("--\(member.key)") }
            case .integer:
                guard case .number(let number) = member.value, number >= 0, number <= 1e9, number == number.rounded() else {
                    return .problem(status: 400, message: "\(member.key) must be a whole number, 0 or more")
                }
                let text = String(UInt64(number))
                // cache-pressure takes its value as an argument, the others as an option.
                arguments += action == "cache-pressure" && member.key == "value" ? [text] : ["--\(member.key)", text]
            }
        }
        if action == "cache-pressure", !given.contains(where: { $0.key == "value" }) {
            return .problem(status: 400, message: "cache-pressure needs a value, e.g. {\"value\": 200}")
        }
        switch source {
        case .root(let path) where path != "/": arguments += ["--root", path]
        case .bundle(let path, _, _): arguments += ["--bundle", path]
        default: break
        }
        if apply {
            switch source {
            case .root(let path) where path != "/":
                return .problem(status: 409, message: "this server reads --root \(path): a fix applies to the running host only (send \"apply\": false for a dry run)")
            case .bundle(let path, _, _):
                return .problem(status: 409, message: "this server reads --bundle \(path): a fix applies to the running host only (send \"apply\": false for a dry run)")
            default: arguments.append("--apply")
            }
        }
        return .run(arguments: arguments + ["--json"], apply: apply)
    }

    /// One fix at a time: a second request while one runs is refused.
    private static let running = Mutex(false)

    /// The handler `ServeRunner.run(…, fix:)` takes.
    public static func handler(configuration: ServeConfiguration, logger: Logger) -> FixHandler {
        let source = configuration.source
        return { action, body in
            switch arguments(action: action, body: body, source: source) {
            case .problem(let status, let message):
                logger.notice("fix refused", metadata: ["action": "\(action)", "status": "\(status)", "reason": "\(message)"])
                return (status, problem(message, action: action))
            case .run(let arguments, let apply):
                guard running.withLock({ busy in
                    if busy { return false }
                    busy = true
                    return true
                }) else {
                    return (409, problem("another fix is running; try again when it has finished", action: action))
                }
                defer { running.withLock { $0 = false } }
                let result = await Task.detached { Invocation.capture(arguments) }.value
                let answer = response(result, action: action)
                logger.notice(apply ? "fix applied" : "fix dry run", metadata: [
                    "action": "\(action)", "arguments": "\(arguments.joined(separator: " "))",
                    "exit": "\(result.exitCode)", "status": "\(answer.status)"])
                return answer
            }
        }
    }

    /// The HTTP answer for the command's outcome.
    static func response(_ result: (stdout: String, stderr: String, exitCode: Int32), action: String) -> (status: Int, json: String) {
        if result.exitCode == 0 { return (200, result.stdout) }
        let message = firstLine(result.stderr)
        if !result.stdout.isEmpty {
            // Applied, but the action log could not be written.
            return (500, JSONValue.object([("error", .string(message)), ("action", .string(action)),
                                           ("result", .string(result.stdout))]).rendered() + "\n")
        }
        return (result.exitCode == 64 ? 400 : 409, problem(message, action: action))
    }

    static func firstLine(_ text: String) -> String {
        var line = text.split(separator: "\n").first.map(String.init) ?? "the fix failed"
        for prefix in ["memsleuth: ", "Error: "] where line.hasPrefix(prefix) { line = String(line.dropFirst(prefix.count)) }
        return line
    }

    static func problem(_ message: String, action: String) -> String {
        JSONValue.object([("error", .string(message)), ("action", .string(action))]).rendered() + "\n"
    }
}
