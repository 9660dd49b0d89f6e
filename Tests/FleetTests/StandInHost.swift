import Foundation
import TestSupport

/// A host as the fleet end-to-end tests see it: what its `/metrics` says
/// second by second, in the metrics contract's names and labels.
///
/// Until `memsleuth serve --bundle FILE --replay` exists these are served by
/// Tests/Fixtures/fleet/exposition-replay.py; `startTargets` is the one
/// place to swap them for serve instances replaying bundles.
struct StandInHost: Sendable {
    var instance: String
    /// Used counting reclaimable slab, 0…1, at second t.
    var used: @Sendable (Double) -> Double
    /// procps used, 0…1.
    var procpsUsed: Double
    var memTotal: Double = 8 * 1_073_741_824
    var dentries: @Sendable (Double) -> (total: Double, negative: Double)
    var caches: @Sendable (Double) -> [(name: String, bytes: Double)]
    var findings: [(rule: String, severity: String)]
    var slabinfoReadable = true

    /// The incident: 93 % used counting reclaimable slab while free says
    /// 41 %, negative dentries growing 20,000 a second, the doctor's
    /// slab.dentry.negative-growth and memory.used at CRITICAL.
    static let incident = StandInHost(
        instance: "lb-incident", used: { _ in 0.93 }, procpsUsed: 0.41,
        dentries: { t in (5_000_000 + 20_000 * t, 4_500_000 + 19_000 * t) },
        caches: { t in [("dentry", 7_516_192_768 + 3_840_000 * t), ("kmalloc-64", 52_428_800), ("inode_cache", 41_943_040)] },
        findings: [("slab.dentry.negative-growth", "CRITICAL"), ("memory.used", "CRITICAL")])

    /// Healthy and flat.
    static let steady = StandInHost(
        instance: "lb-steady", used: { t in 0.35 + (Int(t) % 2 == 0 ? 0.001 : -0.001) }, procpsUsed: 0.30,
        dentries: { _ in (210_000, 12_000) },
        caches: { _ in [("kmalloc-64", 31_457_280), ("dentry", 40_894_464)] },
        findings: [("pagecache.healthy", "INFO")])

    /// Healthy now (55 %) but filling 0.01 points a second: 90 % within an
    /// hour, so fleet ranks it second and the forecast alert fires.
    static let rising = StandInHost(
        instance: "lb-rising", used: { t in 0.55 + 0.0001 * t }, procpsUsed: 0.50,
        dentries: { _ in (300_000, 20_000) },
        caches: { _ in [("buffer_head", 104_857_600), ("dentry", 52_428_800)] },
        findings: [])

    /// The `/metrics` text at second t.
    func exposition(at t: Double) -> String {
        var out = ""
        func family(_ name: String, _ type: String, _ help: String, _ samples: [(labels: String, value: Double)]) {
            out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
            for sample in samples {
                let labels = sample.labels.isEmpty ? "" : "{\(sample.labels)}"
                out += "\(name)\(labels) \(Self.number(sample.value))\n"
            }
        }
        let usedNow = used(t)
        family("memsleuth_meminfo_bytes", "gauge", "Every byte-sized /proc/meminfo field.", [
            (#"field="MemTotal""#, memTotal), (#"field="MemAvailable""#, memTotal * (1 - procpsUsed)),
            (#"field="SReclaimable""#, memTotal * max(0, usedNow - procpsUsed)),
        ])
        family("memsleuth_memory_used_ratio", "gauge", "procps used.", [("", procpsUsed)])
        family("memsleuth_memory_used_slab_counted_ratio", "gauge", "Used counting reclaimable slab.", [("", usedNow)])
        let counts = dentries(t)
        family("memsleuth_dentries", "gauge", "dentry-state.", [
            (#"state="total""#, counts.total), (#"state="unused""#, counts.total * 0.9), (#"state="negative""#, counts.negative),
        ])
        family("memsleuth_slab_cache_bytes", "gauge", "Memory held by a slab cache.",
               caches(t).map { (#"cache="\#($0.name)""#, $0.bytes) })
        family("memsleuth_finding", "gauge", "1 per active finding.",
               findings.map { (#"rule="\#($0.rule)",severity="\#($0.severity)""#, 1) })
        let worst = findings.map { ["INFO": 1.0, "WARNING": 2, "CRITICAL": 3][$0.severity] ?? 0 }.max() ?? 0
        family("memsleuth_verdict_severity", "gauge", "Worst severity.", [("", worst)])
        family("memsleuth_source_up", "gauge", "1 when the source was read.", [
            (#"source="meminfo""#, 1), (#"source="slabinfo""#, slabinfoReadable ? 1 : 0),
        ])
        return out
    }

    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }

    /// Writes `seconds` frames (0000.prom …) into `directory`.
    func writeFrames(to directory: String, seconds: Int) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for t in 0..<seconds {
            let name = String(repeating: "0", count: max(0, 4 - String(t).count)) + String(t)
            try exposition(at: Double(t)).write(toFile: "\(directory)/\(name).prom", atomically: true, encoding: .utf8)
        }
    }
}

/// A running scrape target and the process behind it.
struct StartedTarget {
    var target: PrometheusServer.Target
    var process: RunningProcess
}

/// Starts one scrape target per host, each on its own loopback port.
///
/// Today: exposition-replay.py over frames written from `StandInHost`.
/// After serve lands, the lead swaps the body for one
/// `memsleuth-serve serve --listen 127.0.0.1:0 --bundle FILE --replay`
/// per host bundle (the incident bundle among them); the callers only need
/// `target.address` and `target.instance`.
func startTargets(_ hosts: [StandInHost], in directory: String, seconds: Int = 180) throws -> [StartedTarget] {
    let script = Fixtures.directory + "/fleet/exposition-replay.py"
    return try hosts.map { host in
        let frames = "\(directory)/\(host.instance)"
        try host.writeFrames(to: frames, seconds: seconds)
        let process = try RunningProcess("/usr/bin/python3", [script, "--dir", frames, "--interval", "1"],
                                         logPath: "\(directory)/\(host.instance).log")
        guard let line = process.firstLine(), let port = Int(line) else {
            throw HarnessError("stand-in for \(host.instance) did not print its port: \(process.log)")
        }
        return StartedTarget(target: .init(address: "127.0.0.1:\(port)", instance: host.instance), process: process)
    }
}

/// The repository's deploy/ directory.
enum DeployFiles {
    static let directory: String = {
        var path = Fixtures.directory  // …/Tests/Fixtures
        for _ in 0..<2 { path = String(path[..<(path.lastIndex(of: "/") ?? path.endIndex)]) }
        return path + "/deploy"
    }()

    static var alertRules: String { directory + "/prometheus/memsleuth-alerts.yml" }
    static var alertTests: String { directory + "/prometheus/memsleuth-alerts.test.yml" }
    static var scrapeConfig: String { directory + "/prometheus/scrape.yml" }
    static var dashboard: String { directory + "/grafana/memsleuth-dashboard.json" }
    static var serveUnit: String { directory + "/memsleuth-serve.service" }
}
