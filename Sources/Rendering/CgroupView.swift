import KernelFiles
import MemoryModel

/// `memsleuth cgroups`: the memory cgroups as a table for people and as
/// the JSON document `ps --by cgroup` and `snapshot` share.
public enum CgroupView {
    /// CGROUP, USAGE, LIMIT, ANON, FILE, SLAB, DYING: human sizes, `max`
    /// for no limit, `-` for a figure this kernel does not give.
    public static func text(_ tree: CgroupTree) -> String {
        var table = TextTable([
            ("CGROUP", .left), ("USAGE", .right), ("LIMIT", .right), ("ANON", .right), ("FILE", .right),
            ("SLAB", .right), ("DYING", .right),
        ])
        for cgroup in tree.cgroups {
            table.append([
                cgroup.path, size(cgroup.currentBytes), limit(cgroup.limit), size(cgroup.anonBytes),
                size(cgroup.fileBytes), size(cgroup.slabBytes), cgroup.nrDyingDescendants.map(String.init) ?? "-",
            ])
        }
        var out = table.rendered()
        if tree.cgroups.count < tree.totalCount {
            out += "(\(tree.cgroups.count) of \(tree.totalCount) memory cgroups)\n"
        }
        if let dying = tree.dyingCgroups, dying > 0 {
            out += "\(dying) dying memory cgroups on this host (removed, still pinned by page cache or slab)\n"
        }
        return out
    }

    /// The notes for stderr: one line per source that could not be read.
    public static func unavailableNotes(_ tree: CgroupTree) -> String {
        tree.unavailable.map { item in
            "memsleuth: \(item.source): \(item.reason)" + (item.remedy.map { " (\($0))" } ?? "") + "\n"
        }.joined()
    }

    /// `{"version": 2|1|"hybrid"|null, "cgroups": [...], "unavailable": [...]}`.
    /// `limit_bytes` is null for "no limit" (and `unlimited` says which of
    /// "no limit" and "unknown" a null means).
    public static func json(_ tree: CgroupTree) -> JSONValue {
        let version: JSONValue
        switch tree.version {
        case .v2: version = .uint(2)
        case .v1: version = .uint(1)
        case .hybrid: version = .string("hybrid")
        case nil: version = .null
        }
        return .object([
            ("version", version),
            ("cgroups", .array(tree.cgroups.map(cgroupJSON))),
            ("total_count", .uint(UInt64(tree.totalCount))),
            ("dying_cgroups", .uint(tree.dyingCgroups)),
            ("unavailable", .array(tree.unavailable.map { item in
                .object([("source", .string(item.source)), ("reason", .string(item.reason)),
                         ("remedy", .string(item.remedy))])
            })),
        ])
    }

    static func cgroupJSON(_ cgroup: CgroupTree.Cgroup) -> JSONValue {
        .object([
            ("path", .string(cgroup.path)),
            ("cgroup_version", .uint(UInt64(cgroup.version))),
            ("current_bytes", .uint(cgroup.currentBytes)),
            ("limit_bytes", .uint(cgroup.limitBytes)),
            ("unlimited", cgroup.limit.map { .bool($0.isUnlimited) } ?? .null),
            ("anon_bytes", .uint(cgroup.anonBytes)),
            ("file_bytes", .uint(cgroup.fileBytes)),
            ("kernel_bytes", .uint(cgroup.kernelBytes)),
            ("slab_bytes", .uint(cgroup.slabBytes)),
            ("slab_reclaimable_bytes", .uint(cgroup.slabReclaimableBytes)),
            ("slab_unreclaimable_bytes", .uint(cgroup.slabUnreclaimableBytes)),
            ("sock_bytes", .uint(cgroup.sockBytes)),
            ("shmem_bytes", .uint(cgroup.shmemBytes)),
            ("swap_bytes", .uint(cgroup.swapBytes)),
            ("oom_kill", .uint(cgroup.oomKill)),
            ("nr_dying_descendants", .uint(cgroup.nrDyingDescendants)),
            ("slab_caches", cgroup.slabCaches.map { caches in
                .array(caches.map { share in
                    .object([("name", .string(share.name)), ("active_objs", .uint(share.activeObjs)),
                             ("num_objs", .uint(share.numObjs)), ("size_bytes", .uint(share.sizeBytes))])
                })
            } ?? .null),
        ])
    }

    static func size(_ bytes: UInt64?) -> String { bytes.map { ByteFormatter.human($0) } ?? "-" }

    static func limit(_ limit: CgroupLimit?) -> String {
        guard let limit else { return "-" }
        return limit.bytes.map { ByteFormatter.human($0) } ?? "max"
    }
}
