import Dispatch
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// An HTTP answer: status code and body.
public struct HTTPAnswer: Sendable {
    public var status: Int
    public var body: Data

    public init(status: Int, body: Data) {
        self.status = status
        self.body = body
    }
}

/// How the client reaches Prometheus: one requirement, so tests can answer
/// from recorded files and record real answers (`RecordingTransport`).
public protocol PrometheusTransport: Sendable {
    /// GET `url`. Throws `.unreachable` when no HTTP answer came back.
    func get(_ url: URL, timeout: Double) throws(PrometheusError) -> HTTPAnswer
}

/// The real transport: Foundation's URLSession (libcurl on Linux).
///
/// Why URLSession and not AsyncHTTPClient: fleet sends a handful of GETs
/// once and exits, so NIO's event loop buys nothing, and Foundation is
/// already linked into the executable that holds `serve`. The command is
/// synchronous (`MemsleuthCommand.execute`), so each request waits on a
/// semaphore; URLSession calls back on its own queue, never on the waiting
/// thread, so this cannot deadlock.
public final class URLSessionTransport: PrometheusTransport, @unchecked Sendable {
    // @unchecked: URLSession is thread-safe; nothing else is stored.
    private let session: URLSession

    public init() {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        session = URLSession(configuration: configuration)
    }

    deinit { session.finishTasksAndInvalidate() }

    public func get(_ url: URL, timeout: Double) throws(PrometheusError) -> HTTPAnswer {
        var request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeout)
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        let outcome = Outcome()
        let done = DispatchSemaphore(value: 0)
        let task = session.dataTask(with: request) { data, response, error in
            if let error {
                outcome.set(.failure(error.localizedDescription))
            } else if let http = response as? HTTPURLResponse {
                outcome.set(.success(HTTPAnswer(status: http.statusCode, body: data ?? Data())))
            } else {
                outcome.set(.failure("no HTTP response"))
            }
            done.signal()
        }
        task.resume()
        done.wait()
        switch outcome.value {
        case .success(let answer): return answer
        case .failure(let reason): throw .unreachable(url: Self.base(of: url), reason: reason)
        case nil: throw .unreachable(url: Self.base(of: url), reason: "no answer")
        }
    }

    /// The URL without the query, for messages (the query is long PromQL).
    static func base(of url: URL) -> String {
        var components = URLComponents(url: url, resolvingAgainstBaseURL: false)
        components?.query = nil
        return components?.string ?? url.absoluteString
    }

    private enum Result: Sendable {
        case success(HTTPAnswer)
        case failure(String)
    }

    /// The completion handler's result, handed across threads under a lock.
    private final class Outcome: @unchecked Sendable {
        private let lock = NSLock()
        private var stored: Result?

        func set(_ result: Result) { lock.lock(); stored = result; lock.unlock() }
        var value: Result? { lock.lock(); defer { lock.unlock() }; return stored }
    }
}
