import Diagnosis
import KernelFiles
import MemoryModel

/// One fuzz target: a parser fed the fuzzer's bytes, and where its seeds
/// come from (file names found anywhere under Tests/Fixtures, and the
/// malformed cases in Tests/Fixtures/malformed/<dir>). A parser may throw —
/// that is its answer to bad input — but must never trap, hang or grow
/// without bound.
struct FuzzTarget: Sendable {
    let name: String
    let seedNames: [String]
    let malformed: [String]
    let run: @Sendable (UnsafeRawBufferPointer) -> Void
}

/// Calls a throwing parser and discards both outcomes: only a trap, an
/// ASan report, a timeout or an RSS overrun fails a fuzz run.
@inline(never)
func feed<T, E: Error>(_ parse: () throws(E) -> T) {
    _ = try? parse()
}

let path = "fuzz-input"

let fuzzTargets: [FuzzTarget] = [
    // /proc (system-wide)
    FuzzTarget(name: "meminfo", seedNames: ["meminfo"], malformed: []) { b in feed { try Meminfo.parse(b, path: path) } },
    FuzzTarget(name: "vmstat", seedNames: ["vmstat"], malformed: ["vmstat"]) { b in feed { try Vmstat.parse(b, path: path) } },
    FuzzTarget(name: "zoneinfo", seedNames: ["zoneinfo"], malformed: ["zoneinfo"]) { b in feed { try Zoneinfo.parse(b, path: path) } },
    FuzzTarget(name: "buddyinfo", seedNames: ["buddyinfo"], malformed: ["buddyinfo"]) { b in feed { try Buddyinfo.parse(b, path: path) } },
    FuzzTarget(name: "pagetypeinfo", seedNames: ["pagetypeinfo"], malformed: ["pagetypeinfo"]) { b in feed { try Pagetypeinfo.parse(b, path: path) } },
    FuzzTarget(name: "slabinfo", seedNames: ["slabinfo"], malformed: ["slabinfo"]) { b in feed { try Slabinfo.parse(b, path: path) } },
    FuzzTarget(name: "stat", seedNames: ["stat"], malformed: ["stat"]) { b in feed { try ProcStat.parse(b, path: path) } },
    FuzzTarget(name: "pressure", seedNames: ["memory"], malformed: ["pressure"]) { b in feed { try Pressure.parse(b, path: path) } },
    FuzzTarget(name: "dentry-state", seedNames: ["dentry-state"], malformed: ["dentry-state"]) { b in
        feed { try DentryState.parse(b, path: path, release: KernelRelease(5, 15)) }
        feed { try DentryState.parse(b, path: path, release: KernelRelease(4, 19)) }
        feed { try DentryState.parse(b, path: path, release: nil) }
    },
    FuzzTarget(name: "inode-state", seedNames: ["inode-state", "inode-nr"], malformed: ["inode-state"]) { b in feed { try InodeState.parse(b, path: path) } },
    FuzzTarget(name: "file-nr", seedNames: ["file-nr"], malformed: ["file-nr"]) { b in feed { try FileNr.parse(b, path: path) } },
    FuzzTarget(name: "osrelease", seedNames: ["osrelease"], malformed: []) { b in
        feed { () throws(ParseError) -> Bool in
            let release = try KernelRelease.parse(b, path: path)
            return release.isAtLeast(5, 0) && release < KernelRelease(99, 0)
        }
    },
    FuzzTarget(name: "sysctl", seedNames: ["drop_caches", "vfs_cache_pressure", "min_free_kbytes", "overcommit_ratio", "overcommit_memory"], malformed: ["sysctl"]) { b in
        feed { try VmSysctls.parseValue(b, path: path) }
        feed { try VmSysctls.parseKilobytes(b, path: path) }
    },
    FuzzTarget(name: "numastat", seedNames: ["numastat"], malformed: ["numastat"]) { b in feed { try Numastat.parse(b, path: path) } },
    FuzzTarget(name: "slab-attribute", seedNames: ["objects", "slabs", "order", "object_size", "reclaim_account"], malformed: []) { b in
        feed { try SlabCacheAttributes.parseTotal(b, path: path) }
    },
    FuzzTarget(name: "mountinfo", seedNames: ["mountinfo"], malformed: ["mountinfo"]) { b in feed { try Mountinfo.parse(b, path: path) } },
    FuzzTarget(name: "passwd", seedNames: ["passwd"], malformed: []) { b in feed { try Passwd.parse(b, path: path) } },
    // /proc/PID
    FuzzTarget(name: "pid-stat", seedNames: ["stat"], malformed: ["pid-stat"]) { b in feed { try ProcessStat.parse(b, path: path) } },
    FuzzTarget(name: "statm", seedNames: ["statm"], malformed: ["statm"]) { b in feed { try ProcessStatm.parse(b, path: path) } },
    FuzzTarget(name: "status", seedNames: ["status"], malformed: ["status"]) { b in feed { try ProcessStatus.parse(b, path: path) } },
    FuzzTarget(name: "cmdline", seedNames: ["cmdline", "comm"], malformed: []) { b in
        feed { try ProcessCmdline.parse(b, path: path) }
        feed { try ProcessComm.parse(b, path: path) }
    },
    FuzzTarget(name: "environ", seedNames: ["environ"], malformed: []) { b in
        _ = ProcessEnviron.value(of: "LD_PRELOAD", in: b)
        _ = ProcessEnviron.value(of: "", in: b)
    },
    FuzzTarget(name: "exe-link", seedNames: [], malformed: []) { b in
        _ = ProcessExecutable(linkTarget: String(decoding: b, as: UTF8.self))
        _ = ByteField.hexUInt64(b[...])
    },
    FuzzTarget(name: "maps", seedNames: ["maps"], malformed: ["maps"]) { b in feed { try ProcessMaps.parse(b, path: path) } },
    FuzzTarget(name: "smaps", seedNames: ["smaps"], malformed: ["smaps"]) { b in feed { try Smaps.parse(b, path: path) } },
    FuzzTarget(name: "smaps_rollup", seedNames: ["smaps_rollup"], malformed: ["smaps_rollup"]) { b in feed { try SmapsRollup.parse(b, path: path) } },
    FuzzTarget(name: "numa_maps", seedNames: ["numa_maps"], malformed: ["numa_maps"]) { b in feed { try NumaMaps.parse(b, path: path) } },
    FuzzTarget(name: "elf", seedNames: ["exe"], malformed: ["elf"]) { b in feed { try ElfFile.parse(b, path: path) } },
    // cgroups
    FuzzTarget(name: "cgroup", seedNames: ["cgroup"], malformed: ["cgroup"]) { b in feed { try ProcessCgroup.parse(b, path: path) } },
    FuzzTarget(name: "proc-cgroups", seedNames: ["cgroups"], malformed: []) { b in feed { try ProcCgroups.parse(b, path: path) } },
    FuzzTarget(name: "cgroup.procs", seedNames: ["cgroup.procs", "tasks"], malformed: []) { b in feed { try CgroupProcs.parse(b, path: path) } },
    FuzzTarget(name: "cgroup.stat", seedNames: ["cgroup.stat"], malformed: ["cgroup.stat"]) { b in feed { try CgroupStat.parse(b, path: path) } },
    FuzzTarget(name: "memory.stat", seedNames: ["memory.stat", "memory.numa_stat"], malformed: ["memory.stat"]) { b in
        feed { try CgroupMemoryStat.parse(b, path: path) }
        feed { try CgroupKeyedValues.parse(b, path: path) }
    },
    FuzzTarget(name: "memory.events", seedNames: ["memory.events", "memory.oom_control"], malformed: ["memory.events"]) { b in
        feed { try CgroupMemoryEvents.parse(b, path: path) }
        feed { try CgroupOomControl.parse(b, path: path) }
    },
    FuzzTarget(name: "memory.value", seedNames: ["memory.max", "memory.current", "memory.high", "memory.limit_in_bytes", "memory.usage_in_bytes", "memory.swap.max"], malformed: []) { b in
        feed { try CgroupMemoryValue.parse(b, path: path) }
    },
    FuzzTarget(name: "memory.kmem.slabinfo", seedNames: ["memory.kmem.slabinfo"], malformed: []) { b in
        feed { try CgroupKmemSlabinfo.parse(b, path: path) }
    },
    // memsleuth's own formats
    FuzzTarget(name: "tmpfs", seedNames: ["tmpfs"], malformed: []) { b in feed { try CapturedTmpfs.parse(b, path: path) } },
    FuzzTarget(name: "json", seedNames: ["manifest.json", "known-issues.json"], malformed: []) { b in
        feed { try JSONParser.parse(Array(b)) }
    },
    FuzzTarget(name: "manifest", seedNames: ["manifest.json"], malformed: []) { b in feed { try BundleManifest.parse(b, path: path) } },
    FuzzTarget(name: "knowledge-base", seedNames: ["known-issues.json"], malformed: []) { b in feed { try KnowledgeBase.parse(Array(b)) } },
]
