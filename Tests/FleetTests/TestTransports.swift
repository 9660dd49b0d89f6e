import Foundation
import TestSupport

@testable import Fleet

/// Which fleet question a request URL asks (by its `query` parameter).
func fleetQuery(of url: URL, selector: FleetSelector = .default) -> FleetQuery? {
    let query = URLComponents(url: url, resolvingAgainstBaseURL: false)?
        .queryItems?.first { $0.name == "query" }?.value
    let isRange = url.path.hasSuffix("/query_range")
    return FleetQuery.allCases.first { $0.isRange == isRange && $0.promQL(selector) == query }
}

/// Passes requests through and keeps each answer's body by question.
final class RecordingTransport: PrometheusTransport, @unchecked Sendable {
    private let inner: any PrometheusTransport
    private let lock = NSLock()
    private var recorded: [(String, Data)] = []

    init(_ inner: any PrometheusTransport) { self.inner = inner }

    func get(_ url: URL, timeout: Double) throws(PrometheusError) -> HTTPAnswer {
        let answer = try inner.get(url, timeout: timeout)
        lock.lock()
        recorded.append((fleetQuery(of: url)?.rawValue ?? "unknown", answer.body))
        lock.unlock()
        return answer
    }

    func bodies() -> [(String, Data)] { lock.lock(); defer { lock.unlock() }; return recorded }
}

/// Answers fleet's questions from Tests/Fixtures/fleet/answers/<query>.json
/// (recorded from a real Prometheus by FleetEndToEndTests), or with a fixed
/// status and body for error cases.
struct FixtureTransport: PrometheusTransport {
    var directory = Fixtures.directory + "/fleet/answers"
    /// Questions answered 200 with an empty vector/matrix instead of their file.
    var missing: Set<FleetQuery> = []
    var fixed: HTTPAnswer?

    func get(_ url: URL, timeout: Double) throws(PrometheusError) -> HTTPAnswer {
        if let fixed { return fixed }
        guard let query = fleetQuery(of: url) else {
            return HTTPAnswer(status: 400, body: Data(#"{"status":"error","errorType":"bad_data","error":"unknown query"}"#.utf8))
        }
        if missing.contains(query) {
            let type = query.isRange ? "matrix" : "vector"
            return HTTPAnswer(status: 200, body: Data(#"{"status":"success","data":{"resultType":"\#(type)","result":[]}}"#.utf8))
        }
        guard let body = FileManager.default.contents(atPath: "\(directory)/\(query.rawValue).json") else {
            return HTTPAnswer(status: 404, body: Data("404 page not found".utf8))
        }
        return HTTPAnswer(status: 200, body: body)
    }
}
