#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import Diagnosis
import Fleet
import HistoryStore
import Hummingbird
import NIOCore
import Logging
import MemoryModel
import MemsleuthCLI
import MetricsExport

/// `memsleuth serve`, run in the `memsleuth-serve` executable (it links
/// Hummingbird/NIO and the store, which the one-shot views must not load).
public struct ServeTool: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "memsleuth", abstract: "Serve memory metrics, a JSON API and a web page.",
        version: MemsleuthVersion.current, subcommands: [Serve.self, FleetCommand.self])
    public init() {}
}

extension ServeTool {
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Prometheus /metrics, a JSON API (/api/v1/…) and a web page with plots.",
            discussion: """
                Binds 127.0.0.1:9219 unless told otherwise; read-only (mutating routes answer 403 unless \
                started with --allow-fix and --token-file). Stops cleanly on SIGINT or SIGTERM. \
                Routes: docs/api.md.
                """)

        @Option(help: ArgumentHelp("Address to listen on (use 0.0.0.0:9219 for every interface; port 0 picks a free one).", valueName: "HOST:PORT"))
        var listen = "127.0.0.1:9219"
        @Option(help: ArgumentHelp("History store (memsleuth record's) for trends, forecasts and charts.", valueName: "PATH"))
        var db: String?
        @Option(name: .customLong("root"), help: ArgumentHelp("Read DIR/proc and DIR/sys instead of /proc and /sys.", valueName: "DIR"))
        var root: String?
        @Option(help: ArgumentHelp("Serve a bundle written by memsleuth capture (directory or .tar.gz).", valueName: "FILE"))
        var bundle: String?
        @Flag(help: "With --bundle: step through its samples in real time as if they were a live host.")
        var replay = false
        @Option(help: ArgumentHelp("With --replay: this many times faster than real time.", valueName: "X"))
        var speed: Double = 1
        @Option(name: .customLong("slab-top"), help: "Export the N largest slab caches (plus up to N growing ones).")
        var slabTop = 20
        @Option(name: .customLong("process-top"), help: "Export the N processes with the largest PSS.")
        var processTop = 10
        @Option(name: .customLong("process-interval"), help: ArgumentHelp(
            "Sweep the processes (top-N PSS, process findings) at most every SECONDS; scrapes in between reuse the sweep (0: every scrape).",
            valueName: "SECONDS"))
        var processInterval: Double = 60
        @Option(name: .customLong("slab-attributes-interval"), help: ArgumentHelp(
            "Read /sys/kernel/slab (aliases, reclaim_account) again after SECONDS or when a cache appears (0: every scrape).",
            valueName: "SECONDS"))
        var slabAttributesInterval: Double = 300
        @Option(name: .customLong("pagetypeinfo-interval"), help: ArgumentHelp(
            "Read /proc/pagetypeinfo (migrate types, /api/v1/snapshot only) at most every SECONDS (0: every scrape).",
            valueName: "SECONDS"))
        var pagetypeinfoInterval: Double = 60
        @Option(name: .customLong("doctor-interval"), help: ArgumentHelp(
            "Run the doctor (findings, verdict, forecast) and the cgroup walk at most every SECONDS; scrapes in between export the kept report (0: every scrape).",
            valueName: "SECONDS"))
        var doctorInterval: Double = 30
        @Option(help: ArgumentHelp("WARNING at this percentage of MemTotal used.", valueName: "PERCENT"))
        var warn: Double = 80
        @Option(help: ArgumentHelp("CRITICAL at this percentage of MemTotal used.", valueName: "PERCENT"))
        var crit: Double = 90
        @Flag(name: .customLong("allow-fix"), help: "Allow POST /api/v1/fix/… (with --token-file).")
        var allowFix = false
        @Option(name: .customLong("token-file"), help: ArgumentHelp("File holding the bearer token mutating routes require.", valueName: "FILE"))
        var tokenFile: String?
        @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
        var logLevel = "info"

        func validate() throws {
            if root != nil && bundle != nil { throw ValidationError("--bundle and --root cannot be used together") }
            if replay && bundle == nil { throw ValidationError("--replay needs --bundle FILE") }
            guard speed > 0, speed.isFinite else { throw ValidationError("--speed must be a positive number") }
            guard processInterval >= 0, processInterval.isFinite, slabAttributesInterval >= 0, slabAttributesInterval.isFinite,
                  pagetypeinfoInterval >= 0, pagetypeinfoInterval.isFinite, doctorInterval >= 0, doctorInterval.isFinite else {
                throw ValidationError("--process-interval, --slab-attributes-interval, --pagetypeinfo-interval and --doctor-interval want seconds, 0 or more")
            }
            guard slabTop >= 0, processTop >= 0 else { throw ValidationError("--slab-top and --process-top must not be negative") }
            guard warn > 0, crit <= 100, warn <= crit else { throw ValidationError("--warn and --crit: 0 < warn <= crit <= 100") }
            guard ListenAddress(listen) != nil else { throw ValidationError("--listen wants HOST:PORT, e.g. 127.0.0.1:9219") }
            guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("--log-level: trace, debug, info, notice, warning, error or critical") }
            if allowFix && tokenFile == nil { throw ValidationError("--allow-fix needs --token-file FILE (mutating routes require a bearer token)") }
        }

        func run() async throws {
            let level = Logger.Level(rawValue: logLevel) ?? .info
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
            let logger = Logger(label: "memsleuth.serve")
            do {
                let configuration = try configuration()
                do {
                    try await ServeRunner.run(configuration, logger: logger,
                                              fix: FixRoute.handler(configuration: configuration, logger: logger))
                } catch let error as IOError {
                    // bind(2) refused: one line saying why, not NIO's description.
                    throw CommandFailure(Self.listenFailure(configuration, errno: error.errnoCode))
                }
            } catch let failure as CommandFailure {
                FileDescriptorSink.standardError("memsleuth serve: \(failure.message)\n")
                throw ExitCode(failure.exitCode)
            }
        }

        /// Why the listening socket could not be had, and what to do.
        static func listenFailure(_ configuration: ServeConfiguration, errno code: Int32) -> String {
            let address = "\(configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host):\(configuration.port)"
            let reason = String(cString: strerror(code)).lowercased()
            switch code {
            case EACCES where configuration.port < 1024:
                return "cannot listen on \(address): \(reason) (ports below 1024 need root or CAP_NET_BIND_SERVICE; use --listen with a port from 1024)"
            case EADDRINUSE:
                return "cannot listen on \(address): \(reason) (another program listens there; choose another --listen port)"
            case EADDRNOTAVAIL:
                return "cannot listen on \(address): \(reason) (no interface of this host has that address)"
            default:
                return "cannot listen on \(address): \(reason)"
            }
        }

        func configuration() throws(CommandFailure) -> ServeConfiguration {
            var configuration = ServeConfiguration()
            if let address = ListenAddress(listen) { (configuration.host, configuration.port) = (address.host, address.port) }
            if let bundle { configuration.source = .bundle(path: bundle, replay: replay, speed: speed) } else { configuration.source = .root(root ?? "/") }
            configuration.database = db
            configuration.metrics = MetricsOptions(slabTop: slabTop, processTop: processTop)
            configuration.thresholds = DoctorThresholds(warnPercent: warn, critPercent: crit)
            configuration.processInterval = processInterval
            configuration.slabAttributesInterval = slabAttributesInterval
            configuration.pagetypeinfoInterval = pagetypeinfoInterval
            configuration.doctorInterval = doctorInterval
            configuration.allowFix = allowFix
            if let tokenFile { configuration.token = try TokenFile.read(tokenFile) }
            return configuration
        }
    }
}

/// HOST:PORT, with [v6]:PORT.
struct ListenAddress: Equatable {
    var host: String
    var port: Int

    init?(_ text: String) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { return nil }
        self.host = host
        self.port = port
    }
}

enum TokenFile {
    /// The token: the file's first line, trimmed; refused when empty.
    static func read(_ path: String) throws(CommandFailure) -> String {
        let root = KernelFilesAccess.read(path)
        guard let text = root else { throw CommandFailure("cannot read --token-file \(path)") }
        let token = text.split(separator: "\n").first.map { $0.trimmingCharacters(in: " \t\r") } ?? ""
        guard token.count >= 16 else { throw CommandFailure("--token-file \(path) holds no token of at least 16 characters") }
        return token
    }
}

enum KernelFilesAccess {
    static func read(_ path: String) -> String? {
        guard let file = fopen(path, "r") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = fread(&chunk, 1, chunk.count, file)
            if n <= 0 { break }
            bytes += chunk[0..<n]
            if bytes.count > 65536 { break }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension Substring {
    func trimmingCharacters(in set: String) -> String {
        var text = self
        while let first = text.first, set.contains(first) { text = text.dropFirst() }
        while let last = text.last, set.contains(last) { text = text.dropLast() }
        return String(text)
    }
}

enum FileDescriptorSink {
    static func standardError(_ text: String) {
        var bytes = Array(text.utf8)
        _ = write(STDERR_FILENO, &bytes, bytes.count)
    }
}

extension ServeTool {
    /// The executable's entry: parse, then run `serve` asynchronously (an
    /// existential `AsyncParsableCommand` would pick the synchronous `run`).
    public static func runMain() async {
        do {
            var command = try parseAsRoot()
            if var serve = command as? Serve {
                try await serve.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}
