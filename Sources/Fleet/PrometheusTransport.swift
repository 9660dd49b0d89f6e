import AsyncHTTPClient
import NIOCore
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
/// (`MemsleuthCommand.execute`): it waits on each request's future.
public final class HTTPClientTransport: PrometheusTransport, Sendable {
    /// Answers larger than this are refused (a Prometheus answer for a
    /// fleet of thousands of hosts is a few MiB).
    static let maxBody = 64 << 20

    public init() {}

    public func get(_ url: URL, timeout: Double) throws(PrometheusError) -> HTTPAnswer {
        do {
            var request = try HTTPClient.Request(url: url.absoluteString, method: .GET)
            request.headers.add(name: "Accept", value: "application/json")
            // The future API, waited on here: NIO's event loop does the work,
            // so this never needs a Swift-concurrency thread (blocking one
            // while a task waited for another could deadlock on 2 cores).
            let response = try HTTPClient.shared.execute(
                request: request, deadline: NIODeadline.now() + TimeAmount.milliseconds(Int64(timeout * 1000))).wait()
            let body = response.body.map { Data($0.readableBytesView) } ?? Data()
            guard body.count <= Self.maxBody else {
                throw PrometheusError.unreachable(url: Self.base(of: url), reason: "an answer larger than 64 MiB")
            }
            return HTTPAnswer(status: Int(response.status.code), body: body)
        } catch let error as PrometheusError {
            throw error
        } catch {
            throw .unreachable(url: Self.base(of: url), reason: Self.reason(error))
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
}
