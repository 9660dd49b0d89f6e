import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A real Prometheus (Debian package `prometheus`) on a free loopback port,
/// with a generated config in a temp dir: scraping `targets` every second
/// and evaluating `ruleFiles` every second. `stop()` (or deinit) ends it.
public final class PrometheusServer: @unchecked Sendable {
    public static let executable = "/usr/bin/prometheus"
    public static let promtool = "/usr/bin/promtool"
    public static var isInstalled: Bool {
        FileManager.default.isExecutableFile(atPath: executable) && FileManager.default.isExecutableFile(atPath: promtool)
    }

    /// A scrape target: its address (`127.0.0.1:PORT`) and the `instance`
    /// label it gets (the host name fleet and the alerts show).
    public struct Target: Sendable {
        public var address: String
        public var instance: String
        public init(address: String, instance: String) {
            self.address = address
            self.instance = instance
        }
    }

    public let url: String
    public let directory: String
    private let process: RunningProcess

    /// Writes prometheus.yml into `directory`, starts Prometheus and waits
    /// (up to `readyTimeout` seconds) for /-/ready.
    public init(directory: String, targets: [Target], job: String = "memsleuth", ruleFiles: [String] = [],
                interval: String = "1s", readyTimeout: Double = 60) throws {
        guard let port = freeLoopbackPort() else { throw HarnessError("no free loopback port") }
        self.directory = directory
        url = "http://127.0.0.1:\(port)"
        let config = PrometheusServer.config(targets: targets, job: job, ruleFiles: ruleFiles, interval: interval)
        let configPath = directory + "/prometheus.yml"
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)
        process = try RunningProcess(Self.executable, [
            "--config.file=\(configPath)",
            "--storage.tsdb.path=\(directory)/data",
            "--web.listen-address=127.0.0.1:\(port)",
            "--web.enable-lifecycle",
            "--log.level=warn",
        ], logPath: directory + "/prometheus.log", currentDirectory: directory)
        let deadline = Date().addingTimeInterval(readyTimeout)
        while Date() < deadline {
            if let answer = try? HTTPGet.get(url + "/-/ready"), answer.status == 200 { return }
            guard process.isRunning else { break }
            Thread.sleep(forTimeInterval: 0.2)
        }
        let log = process.log
        process.stop()
        throw HarnessError("prometheus did not become ready at \(url): \(log.suffix(2000))")
    }

    public static func config(targets: [Target], job: String, ruleFiles: [String], interval: String) -> String {
        var text = """
            global:
              scrape_interval: \(interval)
              scrape_timeout: \(interval)
              evaluation_interval: \(interval)
            rule_files:

            """
        text += ruleFiles.map { "  - \($0)\n" }.joined()
        text += """
            scrape_configs:
              - job_name: \(job)
                static_configs:

            """
        for target in targets {
            text += "      - targets: ['\(target.address)']\n        labels: {instance: '\(target.instance)'}\n"
        }
        return text
    }

    /// GET `path` (with its query) and decode the API's JSON.
    public func api(_ pathAndQuery: String) throws -> [String: Any] {
        let answer = try HTTPGet.get(url + pathAndQuery)
        guard let object = try JSONSerialization.jsonObject(with: answer.body) as? [String: Any] else {
            throw HarnessError("\(pathAndQuery): not a JSON object")
        }
        return object
    }

    public var log: String { process.log }

    public func stop() { process.stop() }
}

public struct HarnessError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// A blocking GET for harness code (readiness polls, the alerts API).
public enum HTTPGet {
    public static func get(_ url: String, timeout: Double = 5) throws -> (status: Int, body: Data) {
        guard let target = URL(string: url) else { throw HarnessError("bad URL \(url)") }
        let box = Box()
        let done = DispatchSemaphore(value: 0)
        let request = URLRequest(url: target, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeout)
        URLSession.shared.dataTask(with: request) { data, response, error in
            box.set(data, (response as? HTTPURLResponse)?.statusCode, error.map { "\($0.localizedDescription)" })
            done.signal()
        }.resume()
        done.wait()
        let (data, status, error) = box.get()
        if let error { throw HarnessError("GET \(url): \(error)") }
        return (status ?? 0, data ?? Data())
    }

    private final class Box: @unchecked Sendable {
        private let lock = NSLock()
        private var value: (Data?, Int?, String?) = (nil, nil, nil)
        func set(_ data: Data?, _ status: Int?, _ error: String?) { lock.lock(); value = (data, status, error); lock.unlock() }
        func get() -> (Data?, Int?, String?) { lock.lock(); defer { lock.unlock() }; return value }
    }
}
