/// The `vmstat -s` table of procps-ng 4.0.2: the same figures, in the same
/// order, each with its label and JSON key.
public struct VmstatStats: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// A memory size in bytes; printed in the `-S` unit with the unit letter.
        case memory
        /// pgpgin/pgpgout: bytes here; procps prints the raw KiB with a literal "K".
        case kilobytes
        /// A plain count (ticks, pages, events, seconds).
        case count
    }

    public struct Line: Sendable, Equatable {
        /// The text after the figure, as `vmstat -s` prints it ("total memory").
        public let label: String
        /// The JSON key ("total_memory").
        public let key: String
        public let kind: Kind
        public let value: UInt64?
    }

    public let lines: [Line]

    public init(_ sample: VmstatSample) {
        func bytes(_ kilobytes: UInt64?) -> UInt64? {
            kilobytes.flatMap { $0.multipliedReportingOverflow(by: 1024).overflow ? nil : $0 * 1024 }
        }
        let cpu = sample.cpu
        var lines: [Line] = []
        func add(_ label: String, _ key: String, _ kind: Kind, _ value: UInt64?) {
            lines.append(Line(label: label, key: key, kind: kind, value: value))
        }
        add("total memory", "total_memory", .memory, sample.total)
        add("used memory", "used_memory", .memory, sample.used)
        add("active memory", "active_memory", .memory, sample.active)
        add("inactive memory", "inactive_memory", .memory, sample.inactive)
        add("free memory", "free_memory", .memory, sample.free)
        add("buffer memory", "buffer_memory", .memory, sample.buffers)
        // procps labels Cached + SReclaimable "swap cache"; kept for parity.
        add("swap cache", "swap_cache", .memory, sample.cache)
        add("total swap", "total_swap", .memory, sample.swapTotal)
        add("used swap", "used_swap", .memory, sample.swapUsed)
        add("free swap", "free_swap", .memory, sample.swapFree)
        add("non-nice user cpu ticks", "non_nice_user_cpu_ticks", .count, cpu?.user)
        add("nice user cpu ticks", "nice_user_cpu_ticks", .count, cpu?.nice)
        add("system cpu ticks", "system_cpu_ticks", .count, cpu?.system)
        add("idle cpu ticks", "idle_cpu_ticks", .count, cpu?.idle)
        add("IO-wait cpu ticks", "io_wait_cpu_ticks", .count, cpu?.iowait)
        add("IRQ cpu ticks", "irq_cpu_ticks", .count, cpu?.irq)
        add("softirq cpu ticks", "softirq_cpu_ticks", .count, cpu?.softirq)
        add("stolen cpu ticks", "stolen_cpu_ticks", .count, cpu?.steal)
        add("non-nice guest cpu ticks", "non_nice_guest_cpu_ticks", .count, cpu?.guest)
        add("nice guest cpu ticks", "nice_guest_cpu_ticks", .count, cpu?.guestNice)
        add("paged in", "paged_in", .kilobytes, bytes(sample.pgpginKilobytes))
        add("paged out", "paged_out", .kilobytes, bytes(sample.pgpgoutKilobytes))
        add("pages swapped in", "pages_swapped_in", .count, sample.pswpinPages)
        add("pages swapped out", "pages_swapped_out", .count, sample.pswpoutPages)
        add("interrupts", "interrupts", .count, sample.interrupts)
        add("CPU context switches", "cpu_context_switches", .count, sample.contextSwitches)
        add("boot time", "boot_time", .count, sample.bootTime)
        add("forks", "forks", .count, sample.forks)
        self.lines = lines
    }
}
