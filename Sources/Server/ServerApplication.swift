import Diagnosis
import Hummingbird
import Logging
import MemoryModel
import MetricsExport
import Rendering

/// Runs a remedy for `POST /api/v1/fix/{action}`: the action name and the
/// request body; returns the HTTP status and a JSON body. `memsleuth serve`
/// passes `FixRoute.handler` (issue 8's actions); the default answers 501.
public typealias FixHandler = @Sendable (_ action: String, _ body: String) async -> (status: Int, json: String)

public enum ServerApplication {
    public static let notImplementedFix: FixHandler = { action, _ in
        (501, JSONValue.object([
            ("error", .string("fix actions are not available over HTTP yet")),
            ("action", .string(action)),
            ("detail", .string("remedies are applied with `memsleuth fix` on the host (issue 8)")),
        ]).rendered() + "\n")
    }

    /// The router with every route; the executable and the tests both use it.
    public static func router(source: ScrapeSource, configuration: ServeConfiguration,
                              fix: @escaping FixHandler = notImplementedFix) -> Router<BasicRequestContext> {
        let router = Router()
        router.get("/metrics") { request, _ -> Response in
            let format = Exposition.Format.negotiate(accept: request.headers[.accept])
            let result = await source.scrape()
            let text = MemsleuthMetrics.render(result.metricsInput(configuration), format: format)
            return response(text, contentType: format.contentType)
        }
        router.get("/api/v1/snapshot") { _, _ -> Response in
            let result = await source.scrape()
            return json(SnapshotView.json(result.snapshot))
        }
        router.get("/api/v1/findings") { _, _ -> Response in
            let result = await source.scrape()
            return json(DoctorView.json(result.report))
        }
        router.get("/api/v1/series") { request, _ -> Response in
            guard let text = request.uri.queryParameters.get("name"), let name = SeriesName(text) else {
                return problem(400, "name= wants a series: meminfo.<Field>, slab.<cache>.bytes|objects, dentry.nr_dentry|nr_unused|nr_negative, cgroup.<path>.current, process.<pid>.rss|pss")
            }
            let samples = await source.timeline()
            var points = name.points(samples)
            if let since = request.uri.queryParameters.get("since") {
                guard let start = SinceArgument.start(since, now: samples.last?.time.epochSeconds ?? WallTime.now().epochSeconds) else {
                    return problem(400, "since= wants a duration back from now (90s, 30m, 6h, 2d) or an RFC 3339 time")
                }
                points = points.filter { $0.seconds >= start }
            }
            return json(HistoryView.seriesJSON(name: name.description, points: points))
        }
        router.get("/") { _, _ -> Response in
            let result = await source.scrape()
            return response(DashboardPage.html(result, timeline: result.history + [result.snapshot]), contentType: "text/html; charset=utf-8")
        }
        router.get("/dashboard") { _, _ -> Response in
            let result = await source.scrape()
            return response(DashboardPage.content(result, timeline: result.history + [result.snapshot]),
                            contentType: "text/html; charset=utf-8")
        }
        router.post("/api/v1/fix/:action") { request, context -> Response in
            let action = context.parameters.get("action") ?? ""
            switch FixAuthorization.check(request.headers[.authorization], allowFix: configuration.allowFix, token: configuration.token) {
            case .forbidden(let reason):
                return problem(403, reason)
            case .allowed:
                // A body announced beyond what is read is refused at once,
                // rather than waited for (a client claiming a terabyte).
                if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > maximumFixBody {
                    return problem(413, "a fix request's body is at most \(maximumFixBody) bytes, not \(length)")
                }
                let body = try await request.body.collect(upTo: maximumFixBody)
                let answer = await fix(action, String(buffer: body))
                return response(answer.json, contentType: "application/json", status: HTTPResponse.Status(code: answer.status))
            }
        }
        return router
    }

    /// The most a fix request's body may hold (its JSON options).
    static let maximumFixBody = 64 * 1024

    static func response(_ text: String, contentType: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: contentType, .cacheControl: "no-store"],
                 body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    static func json(_ value: JSONValue) -> Response {
        response(value.rendered() + "\n", contentType: "application/json")
    }

    static func problem(_ status: Int, _ message: String) -> Response {
        response(JSONValue.object([("error", .string(message))]).rendered() + "\n", contentType: "application/json",
                 status: HTTPResponse.Status(code: status))
    }
}

/// Whether a mutating request may run: only when the server was started
/// with --allow-fix and a token, and the request carries that token as
/// `Authorization: Bearer …`. Everything else is 403.
enum FixAuthorization: Equatable {
    case allowed
    case forbidden(String)

    static func check(_ header: String?, allowFix: Bool, token: String?) -> FixAuthorization {
        guard allowFix, let token, !token.isEmpty else {
            return .forbidden("remedies are not reachable over HTTP: start memsleuth serve with --allow-fix and --token-file FILE")
        }
        guard let header, header.hasPrefix("Bearer ") else {
            return .forbidden("this route needs Authorization: Bearer <token from --token-file>")
        }
        // Constant time in the token's length: no early exit on the first difference.
        let given = Array(header.dropFirst(7).utf8)
        let expected = Array(token.utf8)
        var difference = given.count == expected.count ? 0 : 1
        for index in 0..<min(given.count, expected.count) { difference |= Int(given[index] ^ expected[index]) }
        return difference == 0 ? .allowed : .forbidden("wrong bearer token")
    }
}

/// `since=` on the series route: a duration back from now or an RFC 3339 time.
enum SinceArgument {
    static func start(_ text: String, now: Double) -> Double? {
        if let time = WallTime(rfc3339: text) { return time.epochSeconds }
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86400)]
        for (suffix, scale) in units where text.hasSuffix(suffix) {
            let digits = text.dropFirst(text.hasPrefix("-") ? 1 : 0).dropLast(suffix.count)
            guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let count = Double(digits) else { return nil }
            return now - count * scale
        }
        return nil
    }
}
