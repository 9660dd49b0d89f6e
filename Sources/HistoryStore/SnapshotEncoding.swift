import KernelFiles
import MemoryModel

/// A snapshot flattened into named integer values, in a stable order: what
/// the store keeps of it (besides the host facts and the processes).
/// Nothing derived: every value is one the kernel printed (sizes already in
/// bytes as the parsers give them).
struct SnapshotEncoding {
    private(set) var values: [(SeriesKey, Int64)] = []

    init(_ snapshot: Snapshot) {
        if let meminfo = snapshot.meminfo {
            for field in meminfo.fields {
                add(field.isBytes ? .meminfoBytes : .meminfoCount, field.name, field.value)
            }
        }
        if let counters = snapshot.vmstat {
            for field in counters.vmstat.fields { add(.vmstat, field.name, field.value) }
            addStat(counters.stat)
        }
        if let pressure = snapshot.pressure {
            addPressure("some", pressure.some)
            if let full = pressure.full { addPressure("full", full) }
        }
        addDcache(snapshot.dcache)
        if let slab = snapshot.slab { addSlab(slab) }
        if let sweep = snapshot.processes {
            add(.processSweep, "unreadable", UInt64(max(sweep.unreadable, 0)))
            add(.processSweep, "vanished", UInt64(max(sweep.vanished, 0)))
            add(.processSweep, "without_memory", UInt64(max(sweep.withoutMemory, 0)))
        }
        if let tree = snapshot.cgroups { addCgroups(tree) }
        for item in snapshot.unavailable { addNote("snapshot", item) }
    }

    private mutating func add(_ kind: SeriesKind, _ name: String, _ value: UInt64?) {
        guard let value else { return }
        values.append((SeriesKey(kind, name), Int64(bitPattern: value)))
    }

    private mutating func addNote(_ area: String, _ item: Unavailable) {
        add(.unavailable, UnavailableName.encode(area: area, item), 1)
    }

    private mutating func addStat(_ stat: ProcStat) {
        if let cpu = stat.cpu {
            add(.stat, "cpu.user", cpu.user)
            add(.stat, "cpu.nice", cpu.nice)
            add(.stat, "cpu.system", cpu.system)
            add(.stat, "cpu.idle", cpu.idle)
            add(.stat, "cpu.iowait", cpu.iowait)
            add(.stat, "cpu.irq", cpu.irq)
            add(.stat, "cpu.softirq", cpu.softirq)
            add(.stat, "cpu.steal", cpu.steal)
            add(.stat, "cpu.guest", cpu.guest)
            add(.stat, "cpu.guest_nice", cpu.guestNice)
        }
        add(.stat, "intr", stat.interrupts)
        add(.stat, "ctxt", stat.contextSwitches)
        add(.stat, "btime", stat.bootTime)
        add(.stat, "processes", stat.processes)
        add(.stat, "procs_running", stat.procsRunning)
        add(.stat, "procs_blocked", stat.procsBlocked)
    }

    private mutating func addPressure(_ prefix: String, _ line: Pressure.Line) {
        // The kernel prints %lu.%02lu: hundredths are exact.
        add(.pressure, prefix + ".avg10", UInt64((line.avg10 * 100).rounded()))
        add(.pressure, prefix + ".avg60", UInt64((line.avg60 * 100).rounded()))
        add(.pressure, prefix + ".avg300", UInt64((line.avg300 * 100).rounded()))
        add(.pressure, prefix + ".total", line.totalMicroseconds)
    }

    private mutating func addDcache(_ report: DcacheReport) {
        if let d = report.dentries {
            add(.dentry, "nr_dentry", d.nrDentry)
            add(.dentry, "nr_unused", d.nrUnused)
            add(.dentry, "age_limit", d.ageLimit)
            add(.dentry, "want_pages", d.wantPages)
            add(.dentry, "nr_negative", d.nrNegative)
            if let note = d.nrNegativeNote { add(.dentryNote, note, 1) }
        }
        if let i = report.inodes {
            add(.inode, "nr_inodes", i.nrInodes)
            add(.inode, "nr_free_inodes", i.nrFreeInodes)
            add(.inode, "preshrink", i.preshrink)
        }
        if let f = report.files {
            add(.fileNr, "allocated", f.allocated)
            add(.fileNr, "unused", f.unused)
            add(.fileNr, "max", f.max)
        }
        if let s = report.sysctls {
            add(.sysctl, "present", 1)
            add(.sysctl, "drop_caches", s.dropCaches)
            add(.sysctl, "vfs_cache_pressure", s.vfsCachePressure)
            add(.sysctl, "min_free_bytes", s.minFreeBytes)
            add(.sysctl, "overcommit_memory", s.overcommitMemory)
            add(.sysctl, "overcommit_ratio", s.overcommitRatio)
            add(.sysctl, "dentry_negative", s.dentryNegative)
        }
        for item in report.unavailable { addNote("dcache", item) }
    }

    private mutating func addSlab(_ slab: SlabSample) {
        for cache in slab.slabinfo.caches {
            let name = cache.name
            add(.slabActiveObjs, name, cache.activeObjs)
            add(.slabNumObjs, name, cache.numObjs)
            add(.slabObjSize, name, cache.objSize)
            add(.slabObjPerSlab, name, cache.objPerSlab)
            add(.slabPagesPerSlab, name, cache.pagesPerSlab)
            add(.slabActiveSlabs, name, cache.activeSlabs)
            add(.slabNumSlabs, name, cache.numSlabs)
            add(.slabLimit, name, cache.tunables.limit)
            add(.slabBatchcount, name, cache.tunables.batchcount)
            add(.slabSharedfactor, name, cache.tunables.sharedfactor)
            add(.slabSharedAvail, name, cache.sharedAvail)
            if let flag = slab.reclaimable[name] { add(.slabReclaimable, name, flag ? 1 : 0) }
        }
        if let directory = slab.directory {
            for name in directory.directories { add(.slabDirectory, name, 1) }
            // Links are stored as the name of their target here and resolved
            // to the target's series id by the writer (`SlabLinkTarget`).
            for (link, target) in directory.links.sorted(by: { $0.key < $1.key }) {
                values.append((SeriesKey(.slabLink, link), 0))
                linkTargets[link] = target
            }
        }
        for item in slab.unavailable { addNote("slab", item) }
    }

    /// slabLink name → the directory it points at (the writer turns it into an id).
    private(set) var linkTargets: [String: String] = [:]

    private mutating func addCgroups(_ tree: CgroupTree) {
        let hierarchy: UInt64? = switch tree.version {
        case .v1: 1
        case .v2: 2
        case .hybrid: 3
        case nil: nil
        }
        add(.cgroupTree, "hierarchy", hierarchy)
        add(.cgroupTree, "total_count", UInt64(max(tree.totalCount, 0)))
        add(.cgroupTree, "dying", tree.dyingCgroups)
        for cgroup in tree.cgroups {
            let path = cgroup.path
            add(.cgroupVersion, path, UInt64(max(cgroup.version, 0)))
            add(.cgroupCurrent, path, cgroup.currentBytes)
            if let limit = cgroup.limit {
                values.append((SeriesKey(.cgroupLimit, path), limit.bytes.map { Int64(bitPattern: $0) } ?? -1))
            }
            add(.cgroupAnon, path, cgroup.anonBytes)
            add(.cgroupFile, path, cgroup.fileBytes)
            add(.cgroupKernel, path, cgroup.kernelBytes)
            add(.cgroupSlabReclaimable, path, cgroup.slabReclaimableBytes)
            add(.cgroupSlabUnreclaimable, path, cgroup.slabUnreclaimableBytes)
            add(.cgroupSlab, path, cgroup.slabBytes)
            add(.cgroupSock, path, cgroup.sockBytes)
            add(.cgroupShmem, path, cgroup.shmemBytes)
            add(.cgroupSwap, path, cgroup.swapBytes)
            add(.cgroupOomKill, path, cgroup.oomKill)
            add(.cgroupDyingDescendants, path, cgroup.nrDyingDescendants)
        }
        for item in tree.unavailable { addNote("cgroups", item) }
    }
}

/// An `unavailable` entry as a series name: area, source, reason and remedy
/// joined by U+001F (which none of them contains).
enum UnavailableName {
    static let separator: Character = "\u{1f}"

    static func encode(area: String, _ item: Unavailable) -> String {
        [area, item.source, item.reason, item.remedy ?? ""].joined(separator: String(separator))
    }

    static func decode(_ name: String) -> (area: String, item: Unavailable)? {
        let parts = name.split(separator: separator, omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        return (String(parts[0]), Unavailable(
            source: String(parts[1]), reason: String(parts[2]), remedy: parts[3].isEmpty ? nil : String(parts[3])))
    }
}
