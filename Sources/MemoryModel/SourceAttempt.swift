import KernelFiles

/// Records the sources one gathering could not read, so that one unreadable
/// source never stops the others: each failure becomes an `Unavailable` with
/// its reason and remedy, named as the host names the file (the root's
/// prefix removed, so a fixture's failure reads `/proc/slabinfo`).
public struct SourceAttempt: Sendable {
    public let root: ProcRoot
    /// In the order they failed; one entry per source.
    public private(set) var unavailable: [Unavailable] = []

    public init(root: ProcRoot) { self.root = root }

    /// Runs `read`; on failure records why and returns nil.
    public mutating func read<T>(_ read: () throws(SourceError) -> T) -> T? {
        do {
            return try read()
        } catch {
            record(error)
            return nil
        }
    }

    /// Records a failed read or parse; the failing path comes from the error,
    /// so a reader that touches several files names the one that failed.
    public mutating func record(_ error: SourceError) {
        record(Unavailable(relative: relative(error.path), error: error))
    }

    /// Records a source that is missing for a reason the caller knows. A
    /// source already listed is not listed again: a collector can merge
    /// what several readers saw.
    public mutating func record(_ entry: Unavailable) {
        guard !unavailable.contains(where: { $0.source == entry.source }) else { return }
        unavailable.append(entry)
    }

    public mutating func record(contentsOf entries: [Unavailable]) {
        for entry in entries { record(entry) }
    }

    /// `path` relative to the root ("proc/slabinfo").
    public func relative(_ path: String) -> String {
        let prefix = root.prefix + "/"
        var relative = path.hasPrefix(prefix) ? Substring(path.dropFirst(prefix.count)) : Substring(path)
        while relative.hasPrefix("/") { relative = relative.dropFirst() }
        return String(relative)
    }
}
