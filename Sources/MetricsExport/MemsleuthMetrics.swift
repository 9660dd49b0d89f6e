import Diagnosis
import KernelFiles
import MemoryModel

/// Snapshot + doctor report → the metric families of docs/metrics.md
/// (/work/metrics-contract.md): names, labels and units are a contract
/// that alert rules and `memsleuth fleet` read. Pure: the same input gives
/// the same text, which the golden files pin.
public enum MemsleuthMetrics {
    public static func families(_ input: MetricsInput) -> [MetricFamily] {
        var families: [MetricFamily] = []
        families += meminfo(input.snapshot)
        families += used(input.snapshot)
        families += vmstat(input.snapshot)
        families += dentries(input.snapshot)
        families += SlabMetrics.families(input)
        families += buddy(input.snapshot)
        families += pressure(input.snapshot)
        families += numa(input.snapshot)
        families += processes(input.snapshot, top: input.options.processTop)
        families += DoctorMetrics.families(input)
        families += SourceMetrics.families(input)
        return families
    }

    /// The exposition text in `format`.
    public static func render(_ input: MetricsInput, format: Exposition.Format = .prometheus) -> String {
        Exposition.render(families(input), format: format)
    }

    static func meminfo(_ snapshot: Snapshot) -> [MetricFamily] {
        var bytes = MetricFamily("memsleuth_meminfo_bytes", .gauge,
                                 help: "Each byte-sized /proc/meminfo field (kB × 1024), by the kernel's field name.")
        var pages = MetricFamily("memsleuth_meminfo_hugepages", .gauge,
                                 help: "The huge page counts of /proc/meminfo (HugePages_Total, _Free, _Rsvd, _Surp).")
        for field in snapshot.meminfo?.fields ?? [] {
            if field.isBytes { bytes.add(Double(field.value), ("field", field.name)) } else { pages.add(Double(field.value), ("field", field.name)) }
        }
        return [bytes, pages]
    }

    static func used(_ snapshot: Snapshot) -> [MetricFamily] {
        var procps = MetricFamily("memsleuth_memory_used_ratio", .gauge,
                                  help: "Used memory as procps free counts it: (MemTotal - MemAvailable) / MemTotal, 0..1.")
        var slabCounted = MetricFamily(
            "memsleuth_memory_used_slab_counted_ratio", .gauge,
            help: "Used memory as the doctor judges it, reclaimable slab counted as used: (MemTotal - MemFree - (Cached - Shmem) - Buffers) / MemTotal, 0..1.")
        if let used = snapshot.meminfo.flatMap({ UsedMemory($0, minFreeBytes: nil) }) {
            procps.add(used.procpsPercent / 100)
            slabCounted.add(used.withReclaimableSlabPercent / 100)
        }
        return [procps, slabCounted]
    }

    /// The /proc/vmstat counters that tell reclaim, swap, faults, OOM and
    /// compaction apart; each kernel prints a subset of them.
    public static let vmstatCounters = [
        "pgpgin", "pgpgout", "pswpin", "pswpout", "pgfault", "pgmajfault",
        "pgscan_kswapd", "pgscan_direct", "pgsteal_kswapd", "pgsteal_direct", "slabs_scanned",
        "kswapd_inodesteal", "pginodesteal", "allocstall", "allocstall_normal", "allocstall_movable",
        "compact_stall", "compact_fail", "compact_success", "oom_kill", "drop_pagecache", "drop_slab",
        "workingset_refault", "workingset_refault_anon", "workingset_refault_file", "thp_fault_alloc",
        "thp_fault_fallback",
    ]

    static func vmstat(_ snapshot: Snapshot) -> [MetricFamily] {
        var events = MetricFamily("memsleuth_vmstat_events_total", .counter,
                                  help: "A subset of the /proc/vmstat event counters since boot, by the kernel's name.")
        if let vmstat = snapshot.vmstat?.vmstat {
            for name in vmstatCounters { events.add(vmstat[name], ("counter", name)) }
        }
        return [events]
    }

    static func dentries(_ snapshot: Snapshot) -> [MetricFamily] {
        var family = MetricFamily("memsleuth_dentries", .gauge,
                                  help: "Dentries from /proc/sys/fs/dentry-state: total, unused, negative (Linux 5.0+).")
        if let state = snapshot.dcache.dentries {
            family.add(Double(state.nrDentry), ("state", "total"))
            family.add(Double(state.nrUnused), ("state", "unused"))
            family.add(state.nrNegative, ("state", "negative"))
        }
        return [family]
    }

    static func buddy(_ snapshot: Snapshot) -> [MetricFamily] {
        var family = MetricFamily("memsleuth_buddy_free_blocks", .gauge,
                                  help: "Free blocks per node, zone and order from /proc/buddyinfo (a block of order n is 2^n pages).")
        for zone in snapshot.buddy?.buddyinfo.zones ?? [] {
            for (order, blocks) in zone.freeBlocks.enumerated() {
                family.add(Double(blocks), ("node", String(zone.node)), ("zone", zone.zone), ("order", String(order)))
            }
        }
        return [family]
    }

    static func pressure(_ snapshot: Snapshot) -> [MetricFamily] {
        var ratio = MetricFamily("memsleuth_pressure_stall_ratio", .gauge,
                                 help: "Memory pressure stall information (/proc/pressure/memory): share of time stalled over the window, 0..1.")
        var total = MetricFamily("memsleuth_pressure_stall_seconds_total", .counter,
                                 help: "Time stalled on memory since boot (/proc/pressure/memory total).")
        if let pressure = snapshot.pressure {
            for (kind, line) in [("some", pressure.some), ("full", pressure.full)] {
                guard let line else { continue }
                ratio.add(line.avg10 / 100, ("kind", kind), ("window", "10s"))
                ratio.add(line.avg60 / 100, ("kind", kind), ("window", "60s"))
                ratio.add(line.avg300 / 100, ("kind", kind), ("window", "300s"))
                total.add(Double(line.totalMicroseconds) / 1e6, ("kind", kind))
            }
        }
        return [ratio, total]
    }

    static func numa(_ snapshot: Snapshot) -> [MetricFamily] {
        var family = MetricFamily("memsleuth_numa_node_bytes", .gauge,
                                  help: "Per NUMA node, the byte-sized fields of /sys/devices/system/node/nodeN/meminfo.")
        for node in snapshot.numa.nodes {
            for field in node.meminfo?.fields ?? [] where field.isBytes {
                family.add(Double(field.value), ("node", String(node.node)), ("field", field.name))
            }
        }
        return [family]
    }

    static func processes(_ snapshot: Snapshot, top: Int) -> [MetricFamily] {
        var family = MetricFamily("memsleuth_process_pss_bytes", .gauge,
                                  help: "Proportional set size of the processes holding the most (smaps_rollup), top N by PSS. A live server sweeps the processes at most every --process-interval seconds (default 60): memsleuth_source_age_seconds{source=\"processes\"} says how old the sweep is.")
        let rows = (snapshot.processes?.rows ?? []).filter { $0.pss != nil }
            .sorted { ($0.pss ?? 0, $1.pid) > ($1.pss ?? 0, $0.pid) }
        for row in rows.prefix(top) { family.add(row.pss, ("pid", String(row.pid)), ("command", row.command)) }
        return [family]
    }
}
