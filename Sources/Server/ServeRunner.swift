#if canImport(Glibc)
import Glibc
#endif
import Diagnosis
import HistoryStore
import Hummingbird
import Logging
import MemoryModel
import MemsleuthCLI

/// Opens the source, builds the application and runs it until SIGINT or
/// SIGTERM (Hummingbird's service group shuts down gracefully: requests in
/// flight finish, then the process exits 0).
public enum ServeRunner {
    public static func run(_ configuration: ServeConfiguration, logger: Logger,
                           fix: @escaping FixHandler = ServerApplication.notImplementedFix) async throws {
        let source = try makeSource(configuration, logger: logger)
        let router = ServerApplication.router(source: source, configuration: configuration, fix: fix)
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "memsleuth"),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? configuration.port
                // One line on stdout a supervisor or a test can read.
                let line = "memsleuth serve: listening on http://\(configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host):\(port)/\n"
                var bytes = Array(line.utf8)
                _ = write(STDOUT_FILENO, &bytes, bytes.count)
                logger.info("listening", metadata: ["host": "\(configuration.host)", "port": "\(port)",
                                                    "allow_fix": "\(configuration.allowFix)"])
            },
            logger: logger)
        try await app.runService(gracefulShutdownSignals: [.sigterm, .sigint])
        logger.info("stopped")
    }

    static func makeSource(_ configuration: ServeConfiguration, logger: Logger) throws(CommandFailure) -> ScrapeSource {
        let knowledgeBase: KnowledgeBase
        do { knowledgeBase = try KnowledgeBase.embedded() } catch {
            throw CommandFailure("\(error) (please report this: the built-in knowledge base is damaged)")
        }
        var store: StoreHistory?
        if let path = configuration.database {
            guard access(path, R_OK) == 0 else {
                throw CommandFailure("no history store at \(path) (run `memsleuth record --db \(path)`, or leave out --db)")
            }
            do { store = StoreHistory(database: try HistoryDatabase(path: path)) } catch { throw CommandFailure(error.message) }
        }
        let mode: ScrapeSource.Mode
        switch configuration.source {
        case .root(let path):
            let global = GlobalRequest(root: path, json: false, bundle: nil)
            mode = .live(try global.procRoot(.live()))
        case .bundle(let path, let replay, let speed):
            let global = GlobalRequest(root: "/", json: false, bundle: path)
            guard let reader = try global.bundleReader(.live()) else { throw CommandFailure("cannot open --bundle \(path)") }
            mode = .bundle(BundleReplay(reader: reader, replay: replay, speed: speed))
            logger.info("serving a bundle", metadata: ["bundle": "\(path)", "samples": "\(reader.samples.count)",
                                                       "replay": "\(replay)", "speed": "\(speed)"])
        }
        return ScrapeSource(configuration: configuration, mode: mode, store: store, knowledgeBase: knowledgeBase, logger: logger)
    }
}
