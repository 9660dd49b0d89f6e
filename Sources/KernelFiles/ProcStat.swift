/// `/proc/stat`: the figures `vmstat` takes from it — the all-CPU tick
/// totals, interrupts, context switches, boot time, forks and the number of
/// runnable and blocked tasks. Per-CPU lines, `softirq` and anything else
/// are skipped.
///
/// Format (ticks in USER_HZ, 100 per second on every architecture's ABI):
///
///     cpu  17029 0 6152 90297 869 0 72 26 0 0
///     intr 307616 0 0 ...           (total first, then per interrupt)
///     ctxt 533426
///     btime 1795594627
///     processes 23893
///     procs_running 3               (since 2.5.45)
///     procs_blocked 0
///
/// The `cpu` columns grew by release: user nice system idle (2.4), iowait
/// irq softirq (2.5.41), steal (2.6.11), guest (2.6.24), guest_nice
/// (2.6.33). A column this kernel does not print is nil; columns after
/// guest_nice (none yet) are ignored so that a newer kernel still parses.
public struct ProcStat: Sendable, Equatable {
    /// The `cpu` line: ticks summed over all CPUs since boot.
    public struct CPUTicks: Sendable, Equatable {
        public var user: UInt64
        public var nice: UInt64
        public var system: UInt64
        public var idle: UInt64
        public var iowait: UInt64?
        public var irq: UInt64?
        public var softirq: UInt64?
        public var steal: UInt64?
        public var guest: UInt64?
        public var guestNice: UInt64?

        public init(user: UInt64, nice: UInt64, system: UInt64, idle: UInt64, iowait: UInt64? = nil,
                    irq: UInt64? = nil, softirq: UInt64? = nil, steal: UInt64? = nil,
                    guest: UInt64? = nil, guestNice: UInt64? = nil) {
            self.user = user
            self.nice = nice
            self.system = system
            self.idle = idle
            self.iowait = iowait
            self.irq = irq
            self.softirq = softirq
            self.steal = steal
            self.guest = guest
            self.guestNice = guestNice
        }
    }

    public var cpu: CPUTicks?
    /// Interrupts serviced since boot (the first figure of `intr`).
    public var interrupts: UInt64?
    /// Context switches since boot (`ctxt`).
    public var contextSwitches: UInt64?
    /// Boot time, seconds since the epoch (`btime`).
    public var bootTime: UInt64?
    /// Forks since boot (`processes`).
    public var processes: UInt64?
    public var procsRunning: UInt64?
    public var procsBlocked: UInt64?

    public init(cpu: CPUTicks? = nil, interrupts: UInt64? = nil, contextSwitches: UInt64? = nil,
                bootTime: UInt64? = nil, processes: UInt64? = nil, procsRunning: UInt64? = nil,
                procsBlocked: UInt64? = nil) {
        self.cpu = cpu
        self.interrupts = interrupts
        self.contextSwitches = contextSwitches
        self.bootTime = bootTime
        self.processes = processes
        self.procsRunning = procsRunning
        self.procsBlocked = procsBlocked
    }

    /// Parses `/proc/stat`.
    public static func parse(_ bytes: UnsafeRawBufferPointer, path: String) throws(ParseError) -> ProcStat {
        var stat = ProcStat()
        var sawLine = false
        for line in ByteScanner(bytes) where !line.isBlank {
            sawLine = true
            var cursor = line.fields
            guard let key = cursor.next() else { continue }
            if ByteField.equals(key, "cpu") {
                stat.cpu = try cpuTicks(&cursor, line: line, path: path)
            } else if ByteField.equals(key, "intr") {
                // Only the total: the per-interrupt columns are hundreds long.
                guard let first = cursor.next(), let total = ByteField.uint64(first) else {
                    throw line.error(path, expected: "\"intr TOTAL ...\" with a decimal total")
                }
                stat.interrupts = total
            } else if ByteField.equals(key, "ctxt") {
                stat.contextSwitches = try single(&cursor, line: line, path: path, name: "ctxt")
            } else if ByteField.equals(key, "btime") {
                stat.bootTime = try single(&cursor, line: line, path: path, name: "btime")
            } else if ByteField.equals(key, "processes") {
                stat.processes = try single(&cursor, line: line, path: path, name: "processes")
            } else if ByteField.equals(key, "procs_running") {
                stat.procsRunning = try single(&cursor, line: line, path: path, name: "procs_running")
            } else if ByteField.equals(key, "procs_blocked") {
                stat.procsBlocked = try single(&cursor, line: line, path: path, name: "procs_blocked")
            }
            // cpuN, softirq, page/swap (2.4) and unknown lines: not needed.
        }
        guard sawLine else { throw ParseError(path: path, line: nil, text: nil, expected: "a \"cpu\" line") }
        guard stat.cpu != nil || stat.contextSwitches != nil || stat.interrupts != nil else {
            throw ParseError(path: path, line: nil, text: nil, expected: "a \"cpu\", \"intr\" or \"ctxt\" line")
        }
        return stat
    }

    private static func single(
        _ cursor: inout FieldIterator, line: ByteLine, path: String, name: String
    ) throws(ParseError) -> UInt64 {
        guard let field = cursor.next(), let value = ByteField.uint64(field), cursor.next() == nil else {
            throw line.error(path, expected: "\"\(name) N\" with one decimal value")
        }
        return value
    }

    private static func cpuTicks(
        _ cursor: inout FieldIterator, line: ByteLine, path: String
    ) throws(ParseError) -> CPUTicks {
        var values: [UInt64] = []
        values.reserveCapacity(10)
        while let field = cursor.next() {
            guard let value = ByteField.uint64(field) else {
                throw line.error(path, expected: "decimal tick counts after \"cpu\"")
            }
            values.append(value)
        }
        guard values.count >= 4 else {
            throw line.error(path, expected: "at least 4 tick counts (user nice system idle) after \"cpu\"")
        }
        func column(_ index: Int) -> UInt64? { index < values.count ? values[index] : nil }
        return CPUTicks(
            user: values[0], nice: values[1], system: values[2], idle: values[3],
            iowait: column(4), irq: column(5), softirq: column(6), steal: column(7),
            guest: column(8), guestNice: column(9))
    }
}

extension ProcRoot {
    /// Reads `/proc/stat`.
    public func procStat(buffer: ReadBuffer) throws(SourceError) -> ProcStat {
        try parse("proc/stat", with: buffer, ProcStat.parse)
    }
}
