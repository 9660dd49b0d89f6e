/// A cgroup v2 `cgroup.stat` (Linux 4.14+): how many cgroups live below
/// this one, and how many are dying — removed with `rmdir` but still pinned,
/// typically by page cache or slab objects charged to them. A growing
/// `nr_dying_descendants` is the classic memcg leak.
///
///     nr_descendants 0
///     nr_dying_descendants 0
///     nr_subsys_perf_event 1          (6.10+, one line per controller)
public struct CgroupStat: Sendable, Equatable {
    public let values: CgroupKeyedValues

    public init(values: CgroupKeyedValues) { self.values = values }

    public subscript(name: String) -> UInt64? { values[name] }

    public var nrDescendants: UInt64? { self["nr_descendants"] }
    public var nrDyingDescendants: UInt64? { self["nr_dying_descendants"] }

    public static func parse(_ bytes: UnsafeRawBufferPointer, path: String) throws(ParseError) -> CgroupStat {
        CgroupStat(values: try CgroupKeyedValues.parse(bytes, path: path))
    }
}

extension ProcRoot {
    /// Reads a v2 cgroup's `cgroup.stat`.
    public func cgroupStat(_ directory: String, buffer: ReadBuffer) throws(SourceError) -> CgroupStat {
        try parse(directory + "/cgroup.stat", with: buffer, CgroupStat.parse)
    }
}
