import Diagnosis
import KernelFiles
import MemoryModel

/// Whether each source could be read and how long it took: one unreadable
/// source never fails the scrape, it shows here as 0 (as node_exporter's
/// `node_scrape_collector_success`).
enum SourceMetrics {
    /// The sources, in collection order, and whether the snapshot has each.
    /// processes and cgroups only when they were collected at all. A source
    /// this kernel does not have (PSI before 4.20, no NUMA node directory)
    /// has no series: 0 means "could not read", which an operator can fix
    /// and the deploy rules alert on.
    static func readable(_ snapshot: Snapshot, timings: SourceTimings) -> [(source: String, up: Bool)] {
        func absent(_ path: String) -> Bool {
            snapshot.unavailable.contains { $0.source == path && $0.reason == ReadError.missingReason }
        }
        var sources: [(String, Bool)] = [
            ("meminfo", snapshot.meminfo != nil),
            ("vmstat", snapshot.vmstat != nil),
        ]
        if snapshot.pressure != nil || !absent("/proc/pressure/memory") { sources.append(("pressure", snapshot.pressure != nil)) }
        sources += [
            ("slabinfo", snapshot.slab != nil),
            ("dcache", snapshot.dcache.dentries != nil),
            ("buddyinfo", snapshot.buddy != nil),
        ]
        if snapshot.numa.nodeListError?.errno != .noSuchFileOrDirectory {
            sources.append(("numa", snapshot.numa.nodeListError == nil))
        }
        if snapshot.processes != nil || timings["processes"] != nil { sources.append(("processes", snapshot.processes != nil)) }
        if snapshot.cgroups != nil || timings["cgroups"] != nil { sources.append(("cgroups", snapshot.cgroups != nil)) }
        return sources
    }

    static func families(_ input: MetricsInput) -> [MetricFamily] {
        var up = MetricFamily("memsleuth_source_up", .gauge,
                              help: "1 when the source was read, 0 when it could not be (permission, malformed); absent when this kernel has no such source; see /api/v1/snapshot unavailable.")
        for (source, readable) in readable(input.snapshot, timings: input.timings) {
            up.add(readable ? 1 : 0, ("source", source))
        }
        var duration = MetricFamily("memsleuth_source_duration_seconds", .gauge,
                                    help: "Time taken to read the source during this scrape.")
        for entry in input.timings.entries { duration.add(entry.seconds, ("source", entry.source)) }
        var scrape = MetricFamily("memsleuth_scrape_duration_seconds", .gauge,
                                  help: "Time taken by the whole collection for this scrape (snapshot and doctor).")
        if let seconds = input.scrapeSeconds { scrape.add(seconds) }
        var families = [up, duration, scrape]
        if !input.ages.isEmpty {
            var age = MetricFamily("memsleuth_source_age_seconds", .gauge,
                                   help: "How old the data of a source read less often than every scrape is: processes (the top-N PSS sweep, every --process-interval seconds) and slab_attributes (/sys/kernel/slab aliases and reclaim_account, every --slab-attributes-interval seconds or when a new cache appears) and pagetypeinfo (every --pagetypeinfo-interval seconds) and doctor and cgroups (the findings, verdict and forecast, and the memory cgroup walk they read, every --doctor-interval seconds). When a scrape reuses the data, that source has no memsleuth_source_duration_seconds sample.")
            for entry in input.ages { age.add(entry.seconds, ("source", entry.source)) }
            families.append(age)
        }
        return families
    }
}
