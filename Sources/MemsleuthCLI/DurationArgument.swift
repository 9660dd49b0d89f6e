import ArgumentParser

/// A duration on the command line: `500ms`, `10s`, `5m`, `1h`, or plain seconds (`2.5`).
public struct DurationArgument: ExpressibleByArgument, Equatable, Sendable {
    public var seconds: Double

    public init(seconds: Double) { self.seconds = seconds }

    public init?(argument: String) {
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        var text = Substring(argument)
        var scale = 1.0
        for (suffix, factor) in units where text.hasSuffix(suffix) {
            text = text.dropLast(suffix.count)
            scale = factor
            break
        }
        guard !text.isEmpty, text.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
              let value = Double(text), value > 0, value.isFinite else { return nil }
        seconds = value * scale
    }

    public var defaultValueDescription: String {
        seconds == seconds.rounded() ? "\(Int(seconds))s" : "\(seconds)s"
    }
}
