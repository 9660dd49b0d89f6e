import KernelFiles
import MemoryModel

/// What grew or shrank between two snapshots: meminfo fields, slab caches,
/// processes (by pid and start time, RSS) and cgroups (memory.current),
/// largest absolute change first. Only figures present in both count; a
/// process or cgroup present in one only is listed with the other side nil.
public struct SnapshotDiff: Sendable, Equatable {
    public struct Change: Sendable, Equatable {
        /// "meminfo", "slab", "process", "cgroup".
        public var section: String
        public var name: String
        /// "bytes" or "count" (meminfo's HugePages_* fields, slab objects).
        public var unit: String
        public var before: UInt64?
        public var after: UInt64?
        /// after − before; a side missing counts as 0.
        public var change: Int64 {
            let a = Int64(clamping: after ?? 0)
            let b = Int64(clamping: before ?? 0)
            return a.subtractingReportingOverflow(b).overflow ? (a > b ? .max : .min) : a - b
        }
    }

    public var from: WallTime
    public var to: WallTime
    public var changes: [Change]

    public init(_ older: Snapshot, _ newer: Snapshot) {
        from = older.time
        to = newer.time
        var changes: [Change] = []
        let oldMeminfo = older.meminfo?.fields ?? []
        for field in newer.meminfo?.fields ?? [] {
            guard let before = oldMeminfo.first(where: { $0.name == field.name }) else { continue }
            changes.append(Change(section: "meminfo", name: field.name, unit: field.isBytes ? "bytes" : "count",
                                  before: before.value, after: field.value))
        }
        let oldSlab = Dictionary(older.slabCacheSizes.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        for cache in newer.slabCacheSizes {
            guard let before = oldSlab[cache.name] else { continue }
            changes.append(Change(section: "slab", name: cache.name, unit: "bytes", before: before.bytes, after: cache.bytes))
        }
        changes += SnapshotDiff.processes(older.processes?.rows ?? [], newer.processes?.rows ?? [])
        let oldGroups = older.cgroups?.cgroups ?? []
        let newGroups = newer.cgroups?.cgroups ?? []
        for group in newGroups {
            let before = oldGroups.first { $0.path == group.path }?.currentBytes
            guard before != nil || group.currentBytes != nil else { continue }
            changes.append(Change(section: "cgroup", name: group.path, unit: "bytes", before: before, after: group.currentBytes))
        }
        for group in oldGroups where !newGroups.contains(where: { $0.path == group.path }) && group.currentBytes != nil {
            changes.append(Change(section: "cgroup", name: group.path, unit: "bytes", before: group.currentBytes, after: nil))
        }
        self.changes = changes.filter { $0.change != 0 }.sorted {
            let (a, b) = ($0.change.magnitude, $1.change.magnitude)
            return a != b ? a > b : ($0.section, $0.name) < ($1.section, $1.name)
        }
    }

    /// A process is the same process when pid and start time agree.
    static func processes(_ older: [ProcessRow], _ newer: [ProcessRow]) -> [Change] {
        func key(_ row: ProcessRow) -> String { "\(row.pid) \(row.command)" }
        func same(_ a: ProcessRow, _ b: ProcessRow) -> Bool { a.pid == b.pid && a.startTimeTicks == b.startTimeTicks }
        var changes: [Change] = []
        for row in newer {
            let before = older.first { same($0, row) }
            changes.append(Change(section: "process", name: key(row), unit: "bytes", before: before?.res, after: row.res))
        }
        for row in older where !newer.contains(where: { same($0, row) }) {
            changes.append(Change(section: "process", name: key(row), unit: "bytes", before: row.res, after: nil))
        }
        return changes
    }
}
