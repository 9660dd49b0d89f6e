/// One metric family of the exposition: a name, its HELP and TYPE, and its
/// samples. Built by `MemsleuthMetrics`, printed by `Exposition`.
public struct MetricFamily: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case gauge, counter
    }

    /// A sample: label pairs in the order printed, and the value.
    public struct Sample: Sendable, Equatable {
        public var labels: [Label]
        public var value: Double

        public init(_ labels: [Label] = [], _ value: Double) {
            self.labels = labels
            self.value = value
        }
    }

    public struct Label: Sendable, Equatable {
        public var name: String
        public var value: String
        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    /// The sample name for gauges; for counters the name ends in `_total`
    /// (the OpenMetrics family name is this without `_total`).
    public var name: String
    public var help: String
    public var kind: Kind
    public var samples: [Sample]

    public init(_ name: String, _ kind: Kind, help: String, samples: [Sample] = []) {
        self.name = name
        self.help = help
        self.kind = kind
        self.samples = samples
    }

    public mutating func add(_ value: Double, _ labels: (String, String)...) {
        samples.append(Sample(labels.map { Label($0.0, $0.1) }, value))
    }

    public mutating func add(_ value: UInt64?, _ labels: (String, String)...) {
        guard let value else { return }
        samples.append(Sample(labels.map { Label($0.0, $0.1) }, Double(value)))
    }
}
