#if canImport(Glibc)
import Glibc
#endif

/// How long each area of a snapshot took to read (CLOCK_MONOTONIC), in the
/// order read: `serve` exports them as `memsleuth_source_duration_seconds`.
/// Kept apart from `Snapshot`, whose stored and replayed copies must stay
/// equal to the live one.
public struct SourceTimings: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        /// The area: meminfo, vmstat, pressure, slabinfo, dcache, buddyinfo, numa, processes, cgroups.
        public let source: String
        public let seconds: Double
    }

    public private(set) var entries: [Entry] = []

    public init() {}

    public subscript(source: String) -> Double? { entries.first { $0.source == source }?.seconds }

    /// Runs `body`, recording its duration under `source`.
    public mutating func time<T>(_ source: String, _ body: () -> T) -> T {
        let start = Self.monotonic()
        let result = body()
        record(source, since: start)
        return result
    }

    public mutating func record(_ source: String, since start: Double) {
        entries.append(Entry(source: source, seconds: max(0, Self.monotonic() - start)))
    }

    public static func monotonic() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }
}
