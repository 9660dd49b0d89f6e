/// The metric families `memsleuth serve` exports and `fleet`, the alert
/// rules (deploy/prometheus) and the Grafana dashboard (deploy/grafana)
/// consume. A contract: renaming one breaks every Prometheus that scrapes
/// memsleuth, so the deploy files are tested to use only these names.
public enum FleetMetric {
    public static let meminfoBytes = "memsleuth_meminfo_bytes"
    public static let meminfoHugepages = "memsleuth_meminfo_hugepages"
    /// procps used: (MemTotal − MemAvailable) / MemTotal.
    public static let memoryUsedRatio = "memsleuth_memory_used_ratio"
    /// The doctor's judged figure: reclaimable slab counted as used.
    public static let memoryUsedSlabCountedRatio = "memsleuth_memory_used_slab_counted_ratio"
    public static let vmstatEventsTotal = "memsleuth_vmstat_events_total"
    public static let dentries = "memsleuth_dentries"
    public static let slabCacheBytes = "memsleuth_slab_cache_bytes"
    public static let slabCacheObjects = "memsleuth_slab_cache_objects"
    public static let slabCacheGrowthBytesPerSecond = "memsleuth_slab_cache_growth_bytes_per_second"
    public static let buddyFreeBlocks = "memsleuth_buddy_free_blocks"
    public static let pressureStallRatio = "memsleuth_pressure_stall_ratio"
    public static let pressureStallSecondsTotal = "memsleuth_pressure_stall_seconds_total"
    public static let numaNodeBytes = "memsleuth_numa_node_bytes"
    public static let processPSSBytes = "memsleuth_process_pss_bytes"
    /// 1 per active finding, labels `rule` and `severity` (INFO, WARNING, CRITICAL).
    public static let finding = "memsleuth_finding"
    /// 0 OK, 1 INFO, 2 WARNING, 3 CRITICAL.
    public static let verdictSeverity = "memsleuth_verdict_severity"
    /// Seconds until the slab-counted figure crosses `threshold` (warning, critical).
    public static let forecastSeconds = "memsleuth_forecast_seconds"
    public static let sourceUp = "memsleuth_source_up"
    public static let sourceDurationSeconds = "memsleuth_source_duration_seconds"
    public static let scrapeDurationSeconds = "memsleuth_scrape_duration_seconds"

    /// Every family in the contract.
    public static let all: Set<String> = [
        meminfoBytes, meminfoHugepages, memoryUsedRatio, memoryUsedSlabCountedRatio, vmstatEventsTotal,
        dentries, slabCacheBytes, slabCacheObjects, slabCacheGrowthBytesPerSecond, buddyFreeBlocks,
        pressureStallRatio, pressureStallSecondsTotal, numaNodeBytes, processPSSBytes, finding,
        verdictSeverity, forecastSeconds, sourceUp, sourceDurationSeconds, scrapeDurationSeconds,
    ]

    /// Series Prometheus itself makes, which the deploy files may also use.
    public static let prometheusOwn: Set<String> = ["up", "ALERTS", "ALERTS_FOR_STATE"]
}
