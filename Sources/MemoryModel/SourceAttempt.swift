import KernelFiles

/// Reads one source for a collector: the value, or an `Unavailable` entry
/// with the reason and remedy. One unreadable source never stops the others.
public struct SourceAttempt {
    public private(set) var unavailable: [Unavailable] = []

    public init() {}

    /// Runs `read`; on failure records why and returns nil.
    public mutating func read<T>(_ relative: String, _ read: () throws(SourceError) -> T) -> T? {
        do {
            return try read()
        } catch {
            unavailable.append(Unavailable(relative: relative, error: error))
            return nil
        }
    }

    /// Records a source that is missing for a reason the caller knows.
    public mutating func record(_ entry: Unavailable) { unavailable.append(entry) }
}
