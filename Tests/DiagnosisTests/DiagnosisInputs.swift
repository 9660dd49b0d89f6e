@testable import Diagnosis
import KernelFiles
import MemoryModel
import TestSupport

/// Builds `DiagnosisInput`s for rule tests: a snapshot collected from a
/// fixture tree, then hand-modified figures (meminfo fields, dentry
/// counts, slab caches, time) and hand-built suspects.
enum Inputs {
    static func snapshot(_ kernel: String) -> Snapshot {
        SnapshotCollector(root: ProcRoot(Fixtures.kernelPath(kernel))).collect()
    }

    static func input(_ kernel: String) -> DiagnosisInput { DiagnosisInput(snapshot: snapshot(kernel)) }

    static let incidentKernel = "linux-2.6.32-rhel6"
    static let gib: UInt64 = 1 << 30
    static let kib: UInt64 = 1024

    /// The incident's health-check curl (PRODUCT.md): maps NSS, no
    /// NSS_SDB_USE_CACHE, run by /usr/local/bin/lb-healthcheck.sh.
    static func healthCheckCurl(environment: [String: String]? = [:]) -> ProcessEvidence {
        ProcessEvidence(
            pid: 48213, command: "curl", cmdline: "curl -s -o /dev/null https://127.0.0.1:8443/health",
            executable: "/usr/bin/curl",
            mappedLibraries: ["/usr/lib64/libnss3.so", "/usr/lib64/libsoftokn3.so", "/lib64/libc-2.12.so"],
            environment: environment,
            ancestors: [
                .init(pid: 3021, cmdline: "/bin/bash /usr/local/bin/lb-healthcheck.sh"),
                .init(pid: 1, cmdline: "/sbin/init"),
            ])
    }

    static func incident(suspects: [ProcessEvidence] = [healthCheckCurl()]) -> DiagnosisInput {
        DiagnosisInput(snapshot: snapshot(incidentKernel), suspects: suspects)
    }

    static func context(_ input: DiagnosisInput, thresholds: DoctorThresholds = DoctorThresholds()) -> RuleContext {
        RuleContext(input: input, thresholds: thresholds)
    }
}

extension Snapshot {
    /// The same snapshot with meminfo fields replaced (or added), in bytes
    /// for kB fields; `nil` removes the field.
    func with(meminfo changes: [String: UInt64?]) -> Snapshot {
        var copy = self
        var fields = (meminfo?.fields ?? []).compactMap { field -> Meminfo.Field? in
            guard let change = changes[field.name] else { return field }
            return change.map { Meminfo.Field(name: field.name, value: $0, isBytes: field.isBytes) }
        }
        for (name, value) in changes.sorted(by: { $0.key < $1.key }) where !fields.contains(where: { $0.name == name }) {
            if let value { fields.append(Meminfo.Field(name: name, value: value, isBytes: !name.hasPrefix("HugePages_"))) }
        }
        copy.meminfo = Meminfo(fields: fields)
        return copy
    }

    func with(time seconds: Int64) -> Snapshot {
        var copy = self
        copy.time = WallTime(seconds: seconds, nanoseconds: 0, monotonic: Double(seconds))
        return copy
    }

    func with(dentries state: DentryState?) -> Snapshot {
        var copy = self
        copy.dcache.dentries = state
        return copy
    }

    /// The same snapshot with one slab cache's slab count (and objects) set.
    func with(cache name: String, numSlabs: UInt64) -> Snapshot {
        guard let slab else { return self }
        var copy = self
        let caches = slab.slabinfo.caches.map { cache -> Slabinfo.Cache in
            guard cache.name == name else { return cache }
            return Slabinfo.Cache(
                name: cache.name, activeObjs: numSlabs * cache.objPerSlab, numObjs: numSlabs * cache.objPerSlab,
                objSize: cache.objSize, objPerSlab: cache.objPerSlab, pagesPerSlab: cache.pagesPerSlab,
                tunables: cache.tunables, activeSlabs: numSlabs, numSlabs: numSlabs, sharedAvail: cache.sharedAvail)
        }
        copy.slab?.slabinfo = Slabinfo(version: slab.slabinfo.version, statistics: slab.slabinfo.statistics, caches: caches)
        return copy
    }

    func with(vmstat changes: [String: UInt64]) -> Snapshot {
        var copy = self
        guard let counters = vmstat else { return self }
        var fields = counters.vmstat.fields.map { field in
            changes[field.name].map { Vmstat.Field(name: field.name, value: $0) } ?? field
        }
        for (name, value) in changes.sorted(by: { $0.key < $1.key }) where !fields.contains(where: { $0.name == name }) {
            fields.append(Vmstat.Field(name: name, value: value))
        }
        copy.vmstat = VmstatCounters(stat: counters.stat, vmstat: Vmstat(fields: fields))
        return copy
    }
}
