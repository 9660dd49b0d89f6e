/// A cgroup v2 `memory.events` (Linux 4.5+): how often the cgroup hit its
/// boundaries. All counts. `oom_kill` appeared in 4.13, `oom_group_kill`
/// in 5.17; `memory.events.local` (5.2+) has the same shape.
///
///     low 0
///     high 0
///     max 12
///     oom 1
///     oom_kill 1
///     oom_group_kill 0
public struct CgroupMemoryEvents: Sendable, Equatable {
    public let values: CgroupKeyedValues

    public init(values: CgroupKeyedValues) { self.values = values }

    public subscript(name: String) -> UInt64? { values[name] }

    /// Reclaimed below `memory.low` despite the protection.
    public var low: UInt64? { self["low"] }
    /// Throttled over `memory.high`.
    public var high: UInt64? { self["high"] }
    /// Usage about to exceed `memory.max`.
    public var max: UInt64? { self["max"] }
    /// The OOM killer was invoked for this cgroup.
    public var oom: UInt64? { self["oom"] }
    /// Processes of this cgroup killed by the OOM killer (4.13+).
    public var oomKill: UInt64? { self["oom_kill"] }
    /// Whole-group OOM kills (5.17+).
    public var oomGroupKill: UInt64? { self["oom_group_kill"] }

    public static func parse(_ bytes: UnsafeRawBufferPointer, path: String) throws(ParseError) -> CgroupMemoryEvents {
        CgroupMemoryEvents(values: try CgroupKeyedValues.parse(bytes, path: path))
    }
}

/// A cgroup v1 `memory.oom_control`: the v1 counterpart of the events.
///
///     oom_kill_disable 0
///     under_oom 0
///     oom_kill 0          (4.13+)
public struct CgroupOomControl: Sendable, Equatable {
    public let values: CgroupKeyedValues

    public init(values: CgroupKeyedValues) { self.values = values }

    public var oomKillDisable: Bool? { values["oom_kill_disable"].map { $0 != 0 } }
    public var underOom: Bool? { values["under_oom"].map { $0 != 0 } }
    /// Processes of this cgroup killed by the OOM killer (4.13+; nil before).
    public var oomKill: UInt64? { values["oom_kill"] }

    public static func parse(_ bytes: UnsafeRawBufferPointer, path: String) throws(ParseError) -> CgroupOomControl {
        CgroupOomControl(values: try CgroupKeyedValues.parse(bytes, path: path))
    }
}

extension ProcRoot {
    /// Reads a v2 cgroup's `memory.events`.
    public func cgroupMemoryEvents(_ directory: String, buffer: ReadBuffer) throws(SourceError) -> CgroupMemoryEvents {
        try parse(directory + "/memory.events", with: buffer, CgroupMemoryEvents.parse)
    }

    /// Reads a v1 cgroup's `memory.oom_control`.
    public func cgroupOomControl(_ directory: String, buffer: ReadBuffer) throws(SourceError) -> CgroupOomControl {
        try parse(directory + "/memory.oom_control", with: buffer, CgroupOomControl.parse)
    }
}
