/// Why a question to Prometheus got no usable answer. `description` is the
/// one line the user sees: the URL, what happened, and what to check.
public enum PrometheusError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No HTTP answer at all: refused, timed out, name not resolved.
    case unreachable(url: String, reason: String)
    /// An HTTP answer that is not the API's JSON (a proxy's page, another server).
    case notPrometheus(url: String, status: Int)
    /// The API said `"status":"error"` (a bad selector, a query timeout …).
    case apiError(url: String, status: Int, errorType: String, message: String)
    /// The API's JSON, but not the shape asked for (a vector where a matrix was expected).
    case unexpectedResult(url: String, detail: String)

    public var description: String {
        switch self {
        case .unreachable(let url, let reason):
            return "cannot reach Prometheus at \(url): \(reason) (check the URL and port, that Prometheus is running "
                + "(curl \(url)/-/ready); fleet connects directly, not through http_proxy)"
        case .notPrometheus(let url, let status):
            return "\(url) answered HTTP \(status) without the Prometheus API's JSON (is --prometheus the Prometheus "
                + "server's base address, e.g. http://prometheus:9090, with no /api/v1 path?)"
        case .apiError(let url, let status, let errorType, let message):
            return "Prometheus at \(url) answered \(status) \(errorType): \(message) "
                + "(check --selector: it must be a label matcher set like {job=\"memsleuth\"})"
        case .unexpectedResult(let url, let detail):
            return "Prometheus at \(url) gave an unexpected answer: \(detail) (is it Prometheus 2.x or compatible?)"
        }
    }
}
