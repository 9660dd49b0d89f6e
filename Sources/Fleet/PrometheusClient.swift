import Foundation

/// Instant and range queries against a Prometheus server's HTTP API
/// (`/api/v1/query`, `/api/v1/query_range`), through a `PrometheusTransport`.
public struct PrometheusClient: Sendable {
    /// The server's base address as given (`http://prometheus:9090`, or with
    /// a path prefix behind a proxy: `https://example/prometheus`), no
    /// trailing slash.
    public let base: String
    public let transport: any PrometheusTransport
    /// Seconds to wait for each answer.
    public var timeout: Double

    /// nil when `base` is not an http(s) URL with a host.
    public init?(base: String, transport: any PrometheusTransport = HTTPClientTransport(), timeout: Double = 10) {
        var trimmed = base
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        guard let components = URLComponents(string: trimmed),
              let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = components.host, !host.isEmpty, components.query == nil
        else { return nil }
        self.base = trimmed
        self.transport = transport
        self.timeout = timeout
    }

    /// `GET /api/v1/query?query=…&time=…`: one sample per series.
    public func instant(_ query: String, at time: Double) throws(PrometheusError) -> [PrometheusSeries] {
        try ask("query", ["query": query, "time": Self.timeText(time)], expecting: "vector")
    }

    /// `GET /api/v1/query_range?query=…&start=…&end=…&step=…`: samples per series.
    public func range(_ query: String, start: Double, end: Double, step: Double) throws(PrometheusError) -> [PrometheusSeries] {
        try ask("query_range", ["query": query, "start": Self.timeText(start), "end": Self.timeText(end),
                                "step": Self.timeText(step)], expecting: "matrix")
    }

    /// The URL of one API call, every parameter percent-encoded (PromQL's
    /// `+` must not reach Prometheus as a form-encoded space).
    public func url(_ endpoint: String, _ parameters: [String: String]) -> URL? {
        let query = parameters.keys.sorted().map { key in
            "\(Self.encode(key))=\(Self.encode(parameters[key] ?? ""))"
        }.joined(separator: "&")
        return URL(string: "\(base)/api/v1/\(endpoint)?\(query)")
    }

    private func ask(_ endpoint: String, _ parameters: [String: String], expecting resultType: String)
        throws(PrometheusError) -> [PrometheusSeries]
    {
        guard let url = url(endpoint, parameters) else {
            throw .unexpectedResult(url: base, detail: "cannot build a URL for \(endpoint)")
        }
        let answer: HTTPAnswer
        do {
            answer = try transport.get(url, timeout: timeout)
        } catch {
            // The user gave the base URL: name that one (and its /-/ready).
            if case .unreachable(_, let reason) = error { throw .unreachable(url: base, reason: reason) }
            throw error
        }
        let shown = "\(base)/api/v1/\(endpoint)"
        guard let response = PrometheusResponse.decode(answer.body) else {
            throw .notPrometheus(url: shown, status: answer.status)
        }
        guard response.status == "success" else {
            throw .apiError(url: shown, status: answer.status, errorType: response.errorType ?? "error",
                            message: response.error ?? "no message")
        }
        guard let data = response.data else { throw .unexpectedResult(url: shown, detail: "no data") }
        guard data.resultType == resultType else {
            throw .unexpectedResult(url: shown, detail: "a \(data.resultType) where a \(resultType) was expected")
        }
        return data.result
    }

    static func timeText(_ seconds: Double) -> String { String(format: "%.3f", seconds) }

    private static let unreserved = CharacterSet(charactersIn:
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")

    static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text
    }
}
