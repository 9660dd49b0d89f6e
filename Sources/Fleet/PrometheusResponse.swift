import Foundation

/// The envelope every Prometheus HTTP API answer comes in
/// (https://prometheus.io/docs/prometheus/latest/querying/api/):
///
///     {"status":"success","data":{"resultType":"vector","result":[…]}}
///     {"status":"error","errorType":"bad_data","error":"parse error at char 5: …"}
struct PrometheusResponse: Decodable, Sendable {
    var status: String
    var data: QueryData?
    var errorType: String?
    var error: String?

    struct QueryData: Decodable, Sendable {
        var resultType: String
        var result: [PrometheusSeries]
    }
}

/// One series of a `vector` (instant query: `value`) or `matrix` (range
/// query: `values`) result.
public struct PrometheusSeries: Decodable, Sendable, Equatable {
    public var metric: [String: String]
    public var value: PrometheusSample?
    public var values: [PrometheusSample]?

    public init(metric: [String: String], value: PrometheusSample? = nil, values: [PrometheusSample]? = nil) {
        self.metric = metric
        self.value = value
        self.values = values
    }

    /// The `instance` label: the host, as the scrape config names it.
    public var instance: String? { metric["instance"] }
}

/// `[1732530000.123, "0.93"]`: Unix seconds and the value as a string
/// (Prometheus writes "NaN", "+Inf" and "-Inf" too, which Double parses).
public struct PrometheusSample: Decodable, Sendable, Equatable {
    public var time: Double
    public var value: Double

    public init(time: Double, value: Double) {
        self.time = time
        self.value = value
    }

    public init(from decoder: any Decoder) throws {
        var container = try decoder.unkeyedContainer()
        time = try container.decode(Double.self)
        let text = try container.decode(String.self)
        guard let parsed = Double(text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "sample value \"\(text)\" is not a number")
        }
        value = parsed
    }
}

extension PrometheusResponse {
    /// Decodes an API answer; nil when the body is not the API's JSON (a
    /// proxy's error page, a server that is not Prometheus).
    static func decode(_ body: Data) -> PrometheusResponse? {
        try? JSONDecoder().decode(PrometheusResponse.self, from: body)
    }
}
