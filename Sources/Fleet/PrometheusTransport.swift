import AsyncHTTPClient
import Dispatch
import Foundation

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

/// The real transport: AsyncHTTPClient (on the NIO that `serve` already
/// links).
///
/// Why not URLSession: on Linux it is libcurl underneath, and libcurl has no
/// static build here, so a `memsleuth-serve` with URLSession cannot be linked
/// `-static-executable` (the README's build). The command is synchronous
/// (`MemsleuthCommand.execute`): each request runs in a detached task and
/// the caller waits on a semaphore; the task never needs the waiting
/// thread, so this cannot deadlock.
public final class HTTPClientTransport: PrometheusTransport, Sendable {
    /// Answers larger than this are refused (a Prometheus answer for a
    /// fleet of thousands of hosts is a few MiB).
    static let maxBody = 64 << 20

    public init() {}

    public func get(_ url: URL, timeout: Double) throws(PrometheusError) -> HTTPAnswer {
        let outcome = Outcome()
        let done = DispatchSemaphore(value: 0)
        let address = url.absoluteString
        Task.detached {
            do {
                var request = HTTPClientRequest(url: address)
                request.headers.add(name: "Accept", value: "application/json")
                let response = try await HTTPClient.shared.execute(request, timeout: .milliseconds(Int64(timeout * 1000)))
                let body = try await response.body.collect(upTo: Self.maxBody)
                outcome.set(.success(HTTPAnswer(status: Int(response.status.code), body: Data(body.readableBytesView))))
            } catch {
                outcome.set(.failure(Self.reason(error)))
            }
            done.signal()
        }
        done.wait()
        switch outcome.value {
        case .success(let answer): return answer
        case .failure(let reason): throw .unreachable(url: Self.base(of: url), reason: reason)
        case nil: throw .unreachable(url: Self.base(of: url), reason: "no answer")
        }
    }

    /// A short reason for a failed request, in words an operator reads.
    static func reason(_ error: any Error) -> String {
        if let client = error as? HTTPClientError {
            switch client {
            case .connectTimeout: return "connection timed out"
            case .deadlineExceeded, .readTimeout: return "no answer within the timeout"
            case .remoteConnectionClosed: return "the server closed the connection"
            default: return "\(client)"
            }
        }
        let text = "\(error)"
        if text.contains("connectionRefused") || text.contains("Connection refused") { return "connection refused" }
        return text
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

    /// The task's result, handed across threads under a lock.
    private final class Outcome: @unchecked Sendable {
        private let lock = NSLock()
        private var stored: Result?

        func set(_ result: Result) { lock.lock(); stored = result; lock.unlock() }
        var value: Result? { lock.lock(); defer { lock.unlock() }; return stored }
    }
}
