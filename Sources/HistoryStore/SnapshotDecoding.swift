import KernelFiles
import MemoryModel

/// The host facts a stored sample points at (`host` table).
struct StoredHost: Hashable, Sendable {
    var hostname: String?
    var kernel: String?
    var pageSize: Int64?
    var pageSizeSource: String?
    var clockTicks: Int64
    var slabinfoVersion: String?
    var slabinfoStatistics: Bool

    init(_ snapshot: Snapshot) {
        hostname = snapshot.host.hostname
        kernel = snapshot.host.kernelRelease
        pageSize = snapshot.pageSize.map { Int64(bitPattern: $0.bytes) }
        pageSizeSource = snapshot.pageSize?.source.rawValue
        clockTicks = Int64(bitPattern: snapshot.clockTicksPerSecond)
        slabinfoVersion = snapshot.slab?.slabinfo.version.rawValue
        slabinfoStatistics = snapshot.slab?.slabinfo.statistics ?? false
    }

    init(hostname: String?, kernel: String?, pageSize: Int64?, pageSizeSource: String?, clockTicks: Int64,
         slabinfoVersion: String?, slabinfoStatistics: Bool) {
        self.hostname = hostname
        self.kernel = kernel
        self.pageSize = pageSize
        self.pageSizeSource = pageSizeSource
        self.clockTicks = clockTicks
        self.slabinfoVersion = slabinfoVersion
        self.slabinfoStatistics = slabinfoStatistics
    }
}

/// Rebuilds a `Snapshot` from a sample's stored values, so that the views
/// derive their figures from it exactly as they do live. What is not stored
/// comes back empty: buddy/zoneinfo and NUMA nodes (not recorded yet),
/// `filesRead`, and processes beyond those recorded.
struct SnapshotDecoding {
    var time: WallTime
    var host: StoredHost
    /// The sample's values in series id order (= the order first seen,
    /// which is the kernel's order for every file).
    var values: [(SeriesKey, Int64)]
    /// slabLink name → directory name, resolved by the reader.
    var linkTargets: [String: String]
    var processes: [ProcessRow]?

    private static func u(_ value: Int64) -> UInt64 { UInt64(bitPattern: value) }

    func snapshot() -> Snapshot {
        var byKind: [SeriesKind: [(String, Int64)]] = [:]
        for (key, value) in values { byKind[key.kind, default: []].append((key.name, value)) }
        func named(_ kind: SeriesKind) -> [String: UInt64] {
            var map: [String: UInt64] = [:]
            for (name, value) in byKind[kind] ?? [] { map[name] = Self.u(value) }
            return map
        }
        var notes: [String: [Unavailable]] = [:]
        for (name, _) in byKind[.unavailable] ?? [] {
            if let (area, item) = UnavailableName.decode(name) { notes[area, default: []].append(item) }
        }

        var meminfoFields: [Meminfo.Field] = []
        for (key, value) in values where key.kind == .meminfoBytes || key.kind == .meminfoCount {
            meminfoFields.append(Meminfo.Field(name: key.name, value: Self.u(value), isBytes: key.kind == .meminfoBytes))
        }
        let vmstatFields = (byKind[.vmstat] ?? []).map { Vmstat.Field(name: $0.0, value: Self.u($0.1)) }
        let stat = named(.stat)
        var counters: VmstatCounters?
        if !vmstatFields.isEmpty || !stat.isEmpty {
            counters = VmstatCounters(stat: Self.procStat(stat), vmstat: Vmstat(fields: vmstatFields))
        }

        let pageSize: HostPageSize? = host.pageSize.flatMap { bytes in
            host.pageSizeSource.flatMap(HostPageSize.Source.init(rawValue:)).map {
                HostPageSize(bytes: Self.u(bytes), source: $0)
            }
        }
        let cgroups = Self.cgroupTree(byKind, named(.cgroupTree), notes["cgroups"] ?? [])
        var sweep: ProcessSweep?
        if let processes {
            var s = ProcessSweep()
            s.rows = processes
            let counts = named(.processSweep)
            s.unreadable = Int(clamping: counts["unreadable"] ?? 0)
            s.vanished = Int(clamping: counts["vanished"] ?? 0)
            s.withoutMemory = Int(clamping: counts["without_memory"] ?? 0)
            sweep = s
        }
        return Snapshot(
            time: time,
            host: HostFacts(kernelRelease: host.kernel, hostname: host.hostname),
            pageSize: pageSize,
            clockTicksPerSecond: Self.u(host.clockTicks),
            meminfo: meminfoFields.isEmpty ? nil : Meminfo(fields: meminfoFields),
            vmstat: counters,
            pressure: Self.pressure(named(.pressure)),
            slab: slab(byKind, notes["slab"] ?? []),
            dcache: Self.dcache(byKind, named, notes["dcache"] ?? []),
            buddy: nil,
            numa: NumaReading(nodes: [], nodeListError: nil, unavailable: []),
            processes: sweep, cgroups: cgroups,
            unavailable: notes["snapshot"] ?? [], filesRead: [])
    }

    private static func procStat(_ s: [String: UInt64]) -> ProcStat {
        var stat = ProcStat(interrupts: s["intr"], contextSwitches: s["ctxt"], bootTime: s["btime"],
                            processes: s["processes"], procsRunning: s["procs_running"], procsBlocked: s["procs_blocked"])
        if let user = s["cpu.user"], let nice = s["cpu.nice"], let system = s["cpu.system"], let idle = s["cpu.idle"] {
            stat.cpu = ProcStat.CPUTicks(
                user: user, nice: nice, system: system, idle: idle, iowait: s["cpu.iowait"], irq: s["cpu.irq"],
                softirq: s["cpu.softirq"], steal: s["cpu.steal"], guest: s["cpu.guest"], guestNice: s["cpu.guest_nice"])
        }
        return stat
    }

    private static func pressure(_ p: [String: UInt64]) -> Pressure? {
        func line(_ prefix: String) -> Pressure.Line? {
            guard let a10 = p[prefix + ".avg10"], let a60 = p[prefix + ".avg60"], let a300 = p[prefix + ".avg300"],
                  let total = p[prefix + ".total"] else { return nil }
            return Pressure.Line(avg10: Double(a10) / 100, avg60: Double(a60) / 100, avg300: Double(a300) / 100,
                                 totalMicroseconds: total)
        }
        guard let some = line("some") else { return nil }
        return Pressure(some: some, full: line("full"))
    }

    private static func dcache(
        _ byKind: [SeriesKind: [(String, Int64)]], _ named: (SeriesKind) -> [String: UInt64], _ notes: [Unavailable]
    ) -> DcacheReport {
        let d = named(.dentry), i = named(.inode), f = named(.fileNr), s = named(.sysctl)
        var dentries: DentryState?
        if let nr = d["nr_dentry"], let unused = d["nr_unused"], let age = d["age_limit"], let want = d["want_pages"] {
            dentries = DentryState(nrDentry: nr, nrUnused: unused, ageLimit: age, wantPages: want,
                                   nrNegative: d["nr_negative"], nrNegativeNote: byKind[.dentryNote]?.first?.0)
        }
        var inodes: InodeState?
        if let nr = i["nr_inodes"], let free = i["nr_free_inodes"] {
            inodes = InodeState(nrInodes: nr, nrFreeInodes: free, preshrink: i["preshrink"])
        }
        var files: FileNr?
        if let allocated = f["allocated"], let unused = f["unused"], let max = f["max"] {
            files = FileNr(allocated: allocated, unused: unused, max: max)
        }
        var sysctls: VmSysctls?
        if s["present"] != nil {
            sysctls = VmSysctls(
                dropCaches: s["drop_caches"], vfsCachePressure: s["vfs_cache_pressure"], minFreeBytes: s["min_free_bytes"],
                overcommitMemory: s["overcommit_memory"], overcommitRatio: s["overcommit_ratio"],
                dentryNegative: s["dentry_negative"])
        }
        return DcacheReport(dentries: dentries, inodes: inodes, files: files, sysctls: sysctls, unavailable: notes)
    }

    private func slab(_ byKind: [SeriesKind: [(String, Int64)]], _ notes: [Unavailable]) -> SlabSample? {
        guard let versionText = host.slabinfoVersion, let version = Slabinfo.Version(rawValue: versionText),
              let active = byKind[.slabActiveObjs] else { return nil }
        func column(_ kind: SeriesKind) -> [String: UInt64] {
            var map: [String: UInt64] = [:]
            for (name, value) in byKind[kind] ?? [] { map[name] = Self.u(value) }
            return map
        }
        let num = column(.slabNumObjs), size = column(.slabObjSize), perSlab = column(.slabObjPerSlab)
        let pages = column(.slabPagesPerSlab), activeSlabs = column(.slabActiveSlabs), slabs = column(.slabNumSlabs)
        let limit = column(.slabLimit), batch = column(.slabBatchcount), shared = column(.slabSharedfactor)
        let avail = column(.slabSharedAvail)
        var caches: [Slabinfo.Cache] = []
        for (name, activeObjs) in active {
            caches.append(Slabinfo.Cache(
                name: name, activeObjs: Self.u(activeObjs), numObjs: num[name] ?? 0, objSize: size[name] ?? 0,
                objPerSlab: perSlab[name] ?? 0, pagesPerSlab: pages[name] ?? 0,
                tunables: Slabinfo.Tunables(limit: limit[name] ?? 0, batchcount: batch[name] ?? 0,
                                            sharedfactor: shared[name] ?? 0),
                activeSlabs: activeSlabs[name] ?? 0, numSlabs: slabs[name] ?? 0, sharedAvail: avail[name] ?? 0))
        }
        var reclaimable: [String: Bool] = [:]
        for (name, value) in byKind[.slabReclaimable] ?? [] { reclaimable[name] = value != 0 }
        var directory: SlabCacheDirectory?
        if let directories = byKind[.slabDirectory] {
            directory = SlabCacheDirectory(directories: directories.map(\.0), links: linkTargets)
        }
        return SlabSample(
            slabinfo: Slabinfo(version: version, statistics: host.slabinfoStatistics, caches: caches),
            directory: directory, reclaimable: reclaimable, unavailable: notes, time: time.monotonic)
    }

    private static func cgroupTree(
        _ byKind: [SeriesKind: [(String, Int64)]], _ facts: [String: UInt64], _ notes: [Unavailable]
    ) -> CgroupTree? {
        guard let total = facts["total_count"] else { return nil }
        let version: CgroupTree.Version? = switch facts["hierarchy"] {
        case 1: .v1
        case 2: .v2
        case 3: .hybrid
        default: nil
        }
        func column(_ kind: SeriesKind) -> [String: UInt64] {
            var map: [String: UInt64] = [:]
            for (name, value) in byKind[kind] ?? [] { map[name] = u(value) }
            return map
        }
        let current = column(.cgroupCurrent), anon = column(.cgroupAnon), file = column(.cgroupFile)
        let kernel = column(.cgroupKernel), slabR = column(.cgroupSlabReclaimable)
        let slabU = column(.cgroupSlabUnreclaimable), slab = column(.cgroupSlab), sock = column(.cgroupSock)
        let shmem = column(.cgroupShmem), swap = column(.cgroupSwap), oom = column(.cgroupOomKill)
        let dying = column(.cgroupDyingDescendants)
        var limits: [String: Int64] = [:]
        for (name, value) in byKind[.cgroupLimit] ?? [] { limits[name] = value }
        var cgroups: [CgroupTree.Cgroup] = []
        for (path, v) in byKind[.cgroupVersion] ?? [] {
            var c = CgroupTree.Cgroup(path: path, version: Int(clamping: v))
            c.currentBytes = current[path]
            c.limit = limits[path].map { $0 < 0 ? .unlimited : CgroupLimit(bytes: u($0)) }
            c.anonBytes = anon[path]
            c.fileBytes = file[path]
            c.kernelBytes = kernel[path]
            c.slabReclaimableBytes = slabR[path]
            c.slabUnreclaimableBytes = slabU[path]
            c.slabBytes = slab[path]
            c.sockBytes = sock[path]
            c.shmemBytes = shmem[path]
            c.swapBytes = swap[path]
            c.oomKill = oom[path]
            c.nrDyingDescendants = dying[path]
            cgroups.append(c)
        }
        cgroups.sort(by: CgroupTree.byUsage)
        return CgroupTree(version: version, cgroups: cgroups, totalCount: Int(clamping: total),
                          dyingCgroups: facts["dying"], unavailable: notes)
    }
}
