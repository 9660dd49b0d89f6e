import ArgumentParser

/// A duration option that takes fractions: `500ms`, `10s`, `5m`, `1.5h`, or plain seconds (`2.5`).
public struct DurationArgument: ExpressibleByArgument, Equatable, Sendable {
    public var seconds: Double

    public init(seconds: Double) { self.seconds = seconds }

    public init?(argument: String) {
        guard let seconds = CommandDuration.seconds(argument, bareIsSeconds: true) else { return nil }
        self.seconds = seconds
    }

    public var defaultValueDescription: String {
        seconds == seconds.rounded() ? "\(Int(seconds))s" : "\(seconds)s"
    }
}
