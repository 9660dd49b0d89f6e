import KernelFiles
import MemoryModel

/// `memsleuth dcache`: the dentry, inode and file caches, and the vm
/// settings that govern their reclaim.
public enum DcacheView {
    /// CLI.md keys: `nr_dentry, nr_unused, age_limit, want_pages, nr_negative`
    /// (null before Linux 5.0), `inodes.{nr_inodes,nr_free_inodes}`,
    /// `files.{allocated,max}`, `vm.{drop_caches, vfs_cache_pressure,
    /// min_free_kbytes (in bytes, as meminfo keys keep kernel names),
    /// overcommit_memory, overcommit_ratio}`, `fs.dentry_negative`.
    public static func json(_ report: DcacheReport) -> JSONValue {
        let d = report.dentries
        let vm = report.sysctls
        var members: [(String, JSONValue)] = [
            ("nr_dentry", .uint(d?.nrDentry)),
            ("nr_unused", .uint(d?.nrUnused)),
            ("age_limit", .uint(d?.ageLimit)),
            ("want_pages", .uint(d?.wantPages)),
            ("nr_negative", .uint(d?.nrNegative)),
            ("nr_negative_note", .string(d?.nrNegativeNote)),
            ("inodes", .object([
                ("nr_inodes", .uint(report.inodes?.nrInodes)),
                ("nr_free_inodes", .uint(report.inodes?.nrFreeInodes)),
            ])),
            ("files", .object([
                ("allocated", .uint(report.files?.allocated)),
                ("max", .uint(report.files?.max)),
            ])),
            ("vm", .object([
                ("drop_caches", .uint(vm?.dropCaches)),
                ("vfs_cache_pressure", .uint(vm?.vfsCachePressure)),
                ("min_free_kbytes", .uint(vm?.minFreeBytes)),
                ("overcommit_memory", .uint(vm?.overcommitMemory)),
                ("overcommit_ratio", .uint(vm?.overcommitRatio)),
            ])),
            ("fs", .object([("dentry_negative", .uint(vm?.dentryNegative))])),
        ]
        if !report.unavailable.isEmpty {
            members.append(("unavailable", .array(report.unavailable.map { item in
                .object([("source", .string(item.source)), ("reason", .string(item.reason)),
                         ("remedy", .string(item.remedy))])
            })))
        }
        return .object(members)
    }

    /// Aligned lines, each a figure and what it means.
    public static func text(_ report: DcacheReport) -> String {
        var rows: [(String, String, String)] = []
        if let d = report.dentries {
            rows.append(("dentries", String(d.nrDentry), "directory entries cached (names → inodes)"))
            rows.append(("  unused", String(d.nrUnused), "on the LRU, reclaimable when memory is short"))
            if let negative = d.nrNegative {
                rows.append(("  negative", String(negative), "names looked up that do not exist; kept until memory is short"))
            } else {
                rows.append(("  negative", "-", d.nrNegativeNote ?? "not reported by this kernel"))
            }
            rows.append(("  age_limit", "\(d.ageLimit)s", "an unused dentry may be reclaimed after this"))
        }
        if let i = report.inodes {
            rows.append(("inodes", String(i.nrInodes), "in-memory inodes"))
            rows.append(("  free", String(i.nrFreeInodes), "unused, kept as a cache"))
        }
        if let f = report.files {
            rows.append(("open files", String(f.allocated), "file handles allocated"))
            rows.append(("  max", String(f.max), "fs.file-max"))
        }
        if let vm = report.sysctls {
            if let v = vm.vfsCachePressure {
                rows.append(("vfs_cache_pressure", String(v), "100 default; higher reclaims dentries and inodes sooner"))
            }
            if let v = vm.dropCaches {
                rows.append(("drop_caches", String(v), "last value written (2 frees dentries+inodes, 3 also page cache)"))
            }
            if let v = vm.minFreeBytes {
                rows.append(("min_free_kbytes", ByteFormatter.human(v), "kept free; reclaim starts near it"))
            }
            if let v = vm.overcommitMemory {
                let meaning = ["heuristic overcommit", "always overcommit", "never overcommit (strict)"]
                rows.append(("overcommit_memory", String(v), v < 3 ? meaning[Int(v)] : "unknown mode"))
            }
            if let v = vm.overcommitRatio {
                rows.append(("overcommit_ratio", "\(v)%", "of RAM counted in CommitLimit when strict"))
            }
            if let v = vm.dentryNegative {
                rows.append(("dentry-negative", String(v), v == 0 ? "unlink keeps a negative dentry" : "unlink drops the dentry"))
            }
        }
        var table = TextTable([("", .left), ("", .right), ("", .left)])
        for row in rows { table.append([row.0, row.1, row.2]) }
        var out = table.rendered(header: false)
        for item in report.unavailable {
            out += "unavailable: \(item.source): \(item.reason)"
            if let remedy = item.remedy { out += " (\(remedy))" }
            out += "\n"
        }
        return out
    }
}
