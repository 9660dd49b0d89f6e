/// Who fills a slab cache: the traced allocations grouped by command,
/// the parent that started it (the script behind a short-lived process)
/// and cgroup, largest share of the growth first.
public struct SlabAttributionReport: Sendable, Equatable {
    /// One command, started by one parent, in one cgroup.
    public struct Group: Sendable, Equatable {
        /// The task name (`curl`), as the kernel names it.
        public var command: String
        /// The executable, when an exec was traced.
        public var executable: String?
        /// One command line seen for it (short-lived processes may be gone before it can be read).
        public var commandLine: [String]?
        /// What started it: a script (`/opt/lb/healthcheck.sh`), else its parent's command line or name.
        public var parent: String?
        public var parentPID: Int32?
        public var cgroup: String?
        /// Up to ten pids, first seen first.
        public var pids: [Int32]
        public var processes: Int
        /// Processes of this group forked or exec'd during the trace.
        public var starts: Int
        public var allocated: UInt64
        public var freed: UInt64
        public var kept: UInt64 { allocated &- freed }
        public var startsPerSecond: Double?
        public var allocatedPerSecond: Double?
        /// kept ÷ all objects kept (allocated during the trace and still there at its end).
        public var shareOfGrowth: Double?
    }

    public var cache: String
    public var durationSeconds: Double
    public var allocations: UInt64
    public var frees: UInt64
    public var freesOfOlderObjects: UInt64
    /// Objects allocated during the trace and not freed before its end.
    public var kept: UInt64
    public var lostEvents: UInt64
    /// All groups, largest kept first (callers cut to their top N).
    public var groups: [Group]

    public init(_ attribution: SlabAttribution, cache: String, durationSeconds: Double) {
        self.cache = cache
        self.durationSeconds = durationSeconds
        allocations = attribution.allocations
        frees = attribution.frees
        freesOfOlderObjects = attribution.freesOfOlderObjects
        lostEvents = attribution.lostEvents
        let records = attribution.records
        struct Key: Hashable { var command: String; var parent: String?; var cgroup: String? }
        var order: [Key] = []
        var byKey: [Key: Group] = [:]
        var totalKept: UInt64 = 0
        for record in records where record.allocated > 0 {
            totalKept &+= record.kept
            let parentRecord = record.parent.map { records[$0] }
            let parent = parentRecord.map(Self.describeParent)
            let key = Key(command: record.comm, parent: parent, cgroup: record.cgroup)
            var group = byKey[key] ?? Group(
                command: record.comm, executable: record.executable, commandLine: nil, parent: parent,
                parentPID: record.parentPID, cgroup: record.cgroup, pids: [], processes: 0, starts: 0,
                allocated: 0, freed: 0)
            if byKey[key] == nil { order.append(key) }
            if group.pids.count < 10 { group.pids.append(record.pid) }
            group.processes += 1
            if record.startedDuringTrace { group.starts += 1 }
            group.allocated &+= record.allocated
            group.freed &+= record.freed
            if group.executable == nil { group.executable = record.executable }
            if group.commandLine == nil { group.commandLine = record.commandLine }
            byKey[key] = group
        }
        kept = totalKept
        var groups = order.compactMap { byKey[$0] }
        for index in groups.indices {
            if durationSeconds > 0 {
                groups[index].startsPerSecond = Double(groups[index].starts) / durationSeconds
                groups[index].allocatedPerSecond = Double(groups[index].allocated) / durationSeconds
            }
            if totalKept > 0 { groups[index].shareOfGrowth = Double(groups[index].kept) / Double(totalKept) }
        }
        groups.sort { $0.kept != $1.kept ? $0.kept > $1.kept : $0.allocated > $1.allocated }
        self.groups = groups
    }

    /// "/opt/lb/healthcheck.sh" for `sh /opt/lb/healthcheck.sh` (or a script
    /// exec'd through its `#!` line), else the parent's executable as its
    /// command line names it, else its name.
    static func describeParent(_ parent: SlabAttribution.Record) -> String {
        if let arguments = parent.commandLine, let first = arguments.first {
            if let script = ScriptName.script(in: arguments) { return script }
            return first
        }
        if let executable = parent.executable { return executable }
        return parent.comm
    }
}

/// Finds the script an interpreter runs: `sh -e /opt/lb/healthcheck.sh` → the script.
public enum ScriptName {
    static let interpreters: Set<String> = ["sh", "bash", "dash", "ash", "zsh", "ksh", "busybox", "python", "python3", "perl", "ruby", "env"]

    public static func script(in arguments: [String]) -> String? {
        guard let first = arguments.first else { return nil }
        var name = Substring(first)
        if let slash = name.lastIndex(of: "/") { name = name[name.index(after: slash)...] }
        let isInterpreter = interpreters.contains(String(name)) || name.hasPrefix("python")
        guard isInterpreter else { return nil }
        var index = 1
        while index < arguments.count {
            let argument = arguments[index]
            if argument == "-c" { return nil }
            if !argument.hasPrefix("-") {
                // `env sh script`: look through to the interpreter `env` starts.
                if name == "env" { return script(in: Array(arguments[index...])) ?? argument }
                return argument
            }
            index += 1
        }
        return nil
    }
}

extension SlabAttributionReport {
    /// One sentence naming the largest group, for the doctor's evidence:
    /// "92 % of new dentry objects come from `curl` (pid 2300, 5.0 starts/s)
    /// started by /opt/lb/healthcheck.sh (pid 2211), in cgroup /system.slice/lb.service".
    /// nil when nothing was kept.
    public var headline: String? {
        guard let top = groups.first, let share = top.shareOfGrowth, kept > 0 else { return nil }
        var text = "\(Int((share * 100).rounded())) % of new \(cache) objects come from `\(top.command)`"
        var details: [String] = []
        if let pid = top.pids.first { details.append(top.processes > 1 ? "pids \(pid)… (\(top.processes) processes)" : "pid \(pid)") }
        if let rate = top.startsPerSecond, top.starts > 1 { details.append("\(Double(Int(rate * 10)) / 10) starts/s") }
        if !details.isEmpty { text += " (" + details.joined(separator: ", ") + ")" }
        if let parent = top.parent {
            text += " started by \(parent)" + (top.parentPID.map { " (pid \($0))" } ?? "")
        }
        if let cgroup = top.cgroup { text += ", in cgroup \(cgroup)" }
        return text
    }
}
