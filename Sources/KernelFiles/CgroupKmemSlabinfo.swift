/// A cgroup v1 `memory.kmem.slabinfo`: the slab caches charged to one
/// memory cgroup — which service or container holds slab.
///
/// Linux 3.8–5.8: the format of `/proc/slabinfo` version 2.1 (the kernel
/// calls the same `print_slabinfo_header` and `cache_show`), limited to the
/// cgroup's own per-memcg cache copies, so the shared `Slabinfo.parse` reads it:
///
///     slabinfo - version: 2.1
///     # name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : slabdata <active_slabs> <num_slabs> <sharedavail>
///     dentry              2730   2730    192   21    1 : tunables    0    0    0 : slabdata    130    130      0
///
/// Linux 5.9+ (objects of all cgroups share the caches since the slab
/// rework) keeps the file but prints nothing: that is nil here, not an
/// error. On 3.x kernels the read fails with EIO until kmem accounting is
/// activated for the cgroup (a `memory.kmem.limit_in_bytes` was written);
/// callers treat that as "not accounted" too.
public enum CgroupKmemSlabinfo {
    /// nil for the empty file of 5.9+.
    public static func parse(_ bytes: UnsafeRawBufferPointer, path: String) throws(ParseError) -> Slabinfo? {
        for line in ByteScanner(bytes) where !line.isBlank { return try Slabinfo.parse(bytes, path: path) }
        return nil
    }
}

extension ProcRoot {
    /// Reads a v1 cgroup's `memory.kmem.slabinfo`; nil when the kernel prints nothing (5.9+).
    public func cgroupKmemSlabinfo(_ directory: String, buffer: ReadBuffer) throws(SourceError) -> Slabinfo? {
        try parse(directory + "/memory.kmem.slabinfo", with: buffer, CgroupKmemSlabinfo.parse)
    }
}
