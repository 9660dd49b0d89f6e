import KernelFiles

/// What `memsleuth ps` computes from one sweep: the processes sorted, cut to
/// the top N, or grouped by user, command or cgroup, with totals over all
/// processes read (not only the ones shown).
public struct ProcessTable: Sendable, Equatable {
    public enum SortKey: String, Sendable, CaseIterable {
        case rss, pss, uss, swap, vsz
    }

    public enum Grouping: String, Sendable, CaseIterable {
        case process, user, command, cgroup
    }

    /// Processes summed under one user, command or cgroup.
    public struct Group: Sendable, Equatable {
        public var key: String
        public var totals: ProcessTotals

        public init(key: String, totals: ProcessTotals) {
            self.key = key
            self.totals = totals
        }
    }

    public var grouping: Grouping
    public var sort: SortKey
    /// Rows shown when grouping by process (sorted, cut to `top`).
    public var rows: [ProcessRow]
    /// Groups shown otherwise (sorted, cut to `top`).
    public var groups: [Group]
    /// Over every process the sweep read.
    public var totals: ProcessTotals
    /// Processes whose memory files could not be read (permission denied).
    public var unreadable: Int
    public var unavailable: [Unavailable]

    public init(sweep: ProcessSweep, sort: SortKey, top: Int?, grouping: Grouping) {
        self.grouping = grouping
        self.sort = sort
        self.totals = ProcessTotals(sweep.rows)
        self.unreadable = sweep.unreadable
        self.unavailable = sweep.unavailable
        if grouping == .process {
            let sorted = Self.sorted(sweep.rows, by: sort)
            self.rows = top.map { Array(sorted.prefix(max(0, $0))) } ?? sorted
            self.groups = []
        } else {
            var byKey: [String: ProcessTotals] = [:]
            for row in sweep.rows {
                let key: String
                switch grouping {
                case .user: key = row.user
                case .command: key = row.command
                case .cgroup: key = row.cgroup ?? "?"
                case .process: key = ""
                }
                byKey[key, default: ProcessTotals()].add(row)
            }
            let sorted = byKey.map { Group(key: $0.key, totals: $0.value) }.sorted { a, b in
                Self.ordered(Self.value(a.totals, sort), Self.value(b.totals, sort)) ?? (a.key < b.key)
            }
            self.groups = top.map { Array(sorted.prefix(max(0, $0))) } ?? sorted
            self.rows = []
        }
    }

    /// Largest first; a process without the figure after every one with it;
    /// ties by pid so output is stable.
    public static func sorted(_ rows: [ProcessRow], by key: SortKey) -> [ProcessRow] {
        rows.sorted { a, b in ordered(value(a, key), value(b, key)) ?? (a.pid < b.pid) }
    }

    /// true/false when the values decide, nil on a tie.
    private static func ordered(_ a: UInt64?, _ b: UInt64?) -> Bool? {
        switch (a, b) {
        case let (x?, y?): return x == y ? nil : x > y
        case (.some, nil): return true
        case (nil, .some): return false
        case (nil, nil): return nil
        }
    }

    private static func value(_ row: ProcessRow, _ key: SortKey) -> UInt64? {
        switch key {
        case .rss: return row.res
        case .pss: return row.pss
        case .uss: return row.uss
        case .swap: return row.swap
        case .vsz: return row.virt
        }
    }

    private static func value(_ totals: ProcessTotals, _ key: SortKey) -> UInt64? {
        switch key {
        case .rss: return totals.res
        case .pss: return totals.pss
        case .uss: return totals.uss
        case .swap: return totals.swap
        case .vsz: return totals.virt
        }
    }
}
