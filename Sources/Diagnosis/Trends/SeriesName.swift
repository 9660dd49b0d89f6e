import KernelFiles
import MemoryModel

/// A series by name, as `memsleuth history --series` and the trend engine
/// know it: `meminfo.<Field>` (the kernel's field name, bytes for kB
/// fields), `slab.<cache>.bytes` (slabtop's CACHE SIZE), `slab.<cache>.objects`,
/// `dentry.nr_dentry`, `dentry.nr_unused`, `dentry.nr_negative`,
/// `cgroup.<path>.current`, `process.<pid>.rss`, `process.<pid>.pss`.
public struct SeriesName: Sendable, Equatable, CustomStringConvertible {
    enum Source: Sendable, Equatable {
        case meminfo(String)
        case slabBytes(String)
        case slabObjects(String)
        case dentry(String)
        case cgroupCurrent(String)
        case processRSS(Int32)
        case processPSS(Int32)
    }

    public let description: String
    let source: Source

    /// nil for a name outside the scheme (the caller says which are known).
    public init?(_ text: String) {
        description = text
        if text.hasPrefix("meminfo."), text.count > 8 {
            source = .meminfo(String(text.dropFirst(8)))
        } else if text.hasPrefix("slab."), text.hasSuffix(".bytes"), text.count > 11 {
            source = .slabBytes(String(text.dropFirst(5).dropLast(6)))
        } else if text.hasPrefix("slab."), text.hasSuffix(".objects"), text.count > 13 {
            source = .slabObjects(String(text.dropFirst(5).dropLast(8)))
        } else if ["dentry.nr_dentry", "dentry.nr_unused", "dentry.nr_negative"].contains(text) {
            source = .dentry(String(text.dropFirst(7)))
        } else if text.hasPrefix("cgroup."), text.hasSuffix(".current"), text.count > 15 {
            source = .cgroupCurrent(String(text.dropFirst(7).dropLast(8)))
        } else if text.hasPrefix("process."), let pid = SeriesName.pid(text, suffix: ".rss") {
            source = .processRSS(pid)
        } else if text.hasPrefix("process."), let pid = SeriesName.pid(text, suffix: ".pss") {
            source = .processPSS(pid)
        } else {
            return nil
        }
    }

    private static func pid(_ text: String, suffix: String) -> Int32? {
        guard text.hasSuffix(suffix) else { return nil }
        return Int32(text.dropFirst(8).dropLast(suffix.count))
    }

    /// Sizes in bytes (meminfo kB fields, slab bytes, cgroups, RSS/PSS);
    /// counts otherwise.
    public var isBytes: Bool {
        switch source {
        case .meminfo(let field): return !field.hasPrefix("HugePages_")
        case .slabObjects, .dentry: return false
        case .slabBytes, .cgroupCurrent, .processRSS, .processPSS: return true
        }
    }

    /// Every series is a gauge except none so far; counters (vmstat) are
    /// not in the scheme yet.
    public var kind: TrendValueKind { .gauge }

    /// The series' value in one snapshot; nil when the snapshot lacks it.
    public func value(in snapshot: Snapshot) -> Double? {
        switch source {
        case .meminfo(let field): return snapshot.meminfo?[field].map { Double($0) }
        case .slabBytes(let cache): return snapshot.slabCache(cache).map { Double($0.bytes) }
        case .slabObjects(let cache): return snapshot.slabCache(cache).map { Double($0.objects) }
        case .dentry(let field):
            guard let state = snapshot.dcache.dentries else { return nil }
            switch field {
            case "nr_dentry": return Double(state.nrDentry)
            case "nr_unused": return Double(state.nrUnused)
            default: return state.nrNegative.map { Double($0) }
            }
        case .cgroupCurrent(let path):
            return snapshot.cgroups?.cgroups.first { $0.path == path }?.currentBytes.map { Double($0) }
        case .processRSS(let pid): return snapshot.processes?.rows.first { $0.pid == pid }?.res.map { Double($0) }
        case .processPSS(let pid): return snapshot.processes?.rows.first { $0.pid == pid }?.pss.map { Double($0) }
        }
    }

    /// The points of this series over the snapshots (oldest first), seconds
    /// since the epoch.
    public func points(_ snapshots: [Snapshot]) -> [TrendPoint] {
        snapshots.compactMap { snapshot in
            value(in: snapshot).map { TrendPoint(seconds: snapshot.time.epochSeconds, value: $0) }
        }
    }
}

extension WallTime {
    /// Seconds since the epoch, with the fraction.
    public var epochSeconds: Double { Double(seconds) + Double(nanoseconds) / 1e9 }
}
