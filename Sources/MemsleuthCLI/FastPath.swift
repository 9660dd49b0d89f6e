/// The one-shot views' start-up path, which does not go through
/// argument-parser.
///
/// Why: `memsleuth free` must start as fast as procps `free` (~1.5 ms here).
/// argument-parser builds its command tree through reflection and protocol
/// conformance lookups, which cost ~1 ms per run in a static binary — more
/// than `free` needs for its whole job (docs/PERFORMANCE.md). So the common,
/// plain invocations (`free -h`, `slabtop --once --json`, …) are recognised
/// here into the same request values argument-parser would produce, and
/// anything else — help, a typo, a flag this recogniser does not know —
/// returns nil and goes to argument-parser, which owns usage and errors.
/// `FastPathParityTests` holds both parsers to the same result.
public enum FastPath {
    /// Runs the invocation when it is a plain one-shot view; nil otherwise.
    public static func run(_ arguments: [String], context: CommandContext) -> Int32? {
        guard let name = arguments.first else { return nil }
        let rest = arguments.dropFirst()
        let result: Result<Int32, CommandFailure>?
        switch name {
        case "meminfo": result = MeminfoRequest.fastParse(rest).map { request in Result { () throws(CommandFailure) in try request.run(context) } }
        case "free": result = FreeRequest.fastParse(rest).map { request in Result { () throws(CommandFailure) in try request.run(context) } }
        case "slabtop": result = SlabtopRequest.fastParse(rest).map { request in Result { () throws(CommandFailure) in try request.run(context) } }
        case "dcache": result = DcacheRequest.fastParse(rest).map { request in Result { () throws(CommandFailure) in try request.run(context) } }
        case "buddy": result = BuddyRequest.fastParse(rest).map { request in Result { () throws(CommandFailure) in try request.run(context) } }
        case "numa": result = NumaRequest.fastParse(rest).map { request in Result { () throws(CommandFailure) in try request.run(context) } }
        case "vmstat": result = VmstatRequest.fastParse(rest).map { request in Result { () throws(CommandFailure) in try request.run(context) } }
        default: result = nil
        }
        switch result {
        case nil: return nil
        case .success(let code): return code
        case .failure(let failure):
            context.err.write("memsleuth: \(failure.message)\n")
            return failure.exitCode
        }
    }
}

/// Walks an argument list for the fast path: the options every view shares
/// (`--root DIR`, `--root=DIR`, `--bundle FILE`, `--bundle=FILE`, `--json`)
/// are taken here, the view's own flags by the caller. Anything unexpected
/// (including `--root` with `--bundle`, a usage error argument-parser
/// reports) makes the whole fast parse give up.
struct FastArguments {
    private var remaining: ArraySlice<String>
    var root = "/"
    var json = false
    var bundle: String?
    private var rootGiven = false

    init(_ arguments: ArraySlice<String>) { remaining = arguments }

    /// The next argument that is not a shared option; nil at the end.
    /// Sets `failed` on a shared option without its value.
    mutating func next() -> String? {
        while let argument = remaining.popFirst() {
            switch argument {
            case "--json": json = true
            case "--root", "--bundle":
                guard let value = remaining.popFirst(), !value.isEmpty, !value.hasPrefix("-") else {
                    failed = true
                    return nil
                }
                take(argument, value)
            case _ where argument.hasPrefix("--root=") || argument.hasPrefix("--bundle="):
                let name = String(argument.prefix(while: { $0 != "=" }))
                let value = String(argument.dropFirst(name.count + 1))
                guard !value.isEmpty else { failed = true; return nil }
                take(name, value)
            default: return argument
            }
            if failed { return nil }
        }
        return nil
    }

    private mutating func take(_ option: String, _ value: String) {
        if option == "--root" {
            root = value
            rootGiven = true
        } else {
            bundle = value
        }
        if rootGiven && bundle != nil { failed = true }
    }

    /// The value after an option (`--sort size`), nil when absent.
    mutating func value() -> String? { remaining.popFirst() }

    var failed = false

    var global: GlobalRequest { GlobalRequest(root: root, json: json, bundle: bundle) }
}

/// The shared options as a plain value, for requests built either way.
public struct GlobalRequest: Equatable, Sendable {
    public var root: String
    public var json: Bool
    /// `--bundle FILE`; when set, `root` is "/" and unused.
    public var bundle: String? = nil

    public init(root: String, json: Bool, bundle: String? = nil) {
        self.root = root
        self.json = json
        self.bundle = bundle
    }
}
