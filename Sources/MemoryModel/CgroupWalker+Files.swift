import KernelFiles

extension CgroupWalker {
    /// A v2 cgroup, or nil when the directory has no `memory.current` (the
    /// hierarchy root, or the memory controller not enabled down to here).
    mutating func readV2(_ directory: String, path: String) -> CgroupTree.Cgroup? {
        let root = self.root, buffer = self.buffer  // captured: the closures must not borrow self
        guard let current = required(directory, "memory.current", { (d, b) throws(SourceError) in
            try root.cgroupValue(d, "memory.current", buffer: b)
        }) else { return nil }
        var cgroup = CgroupTree.Cgroup(path: path, version: 2)
        cgroup.currentBytes = current
        cgroup.limit = optional(directory + "/memory.max") { () throws(SourceError) in
            try root.cgroupLimitV2(directory, "memory.max", buffer: buffer)
        }
        if let stat = optional(directory + "/memory.stat", { () throws(SourceError) in
            try root.cgroupMemoryStat(directory, buffer: buffer)
        }) {
            cgroup.anonBytes = stat.anon
            cgroup.fileBytes = stat.file
            cgroup.kernelBytes = stat.kernel
            cgroup.slabReclaimableBytes = stat.slabReclaimable
            cgroup.slabUnreclaimableBytes = stat.slabUnreclaimable
            cgroup.slabBytes = stat.slab
            cgroup.sockBytes = stat.sock
            cgroup.shmemBytes = stat.shmem
        }
        cgroup.swapBytes = optional(directory + "/memory.swap.current") { () throws(SourceError) in
            try root.cgroupValue(directory, "memory.swap.current", buffer: buffer)
        }
        cgroup.oomKill = optional(directory + "/memory.events") { () throws(SourceError) in
            try root.cgroupMemoryEvents(directory, buffer: buffer)
        }?.oomKill
        cgroup.nrDyingDescendants = optional(directory + "/cgroup.stat") { () throws(SourceError) in
            try root.cgroupStat(directory, buffer: buffer)
        }?.nrDyingDescendants
        return cgroup
    }

    /// A v1 memory cgroup. The `total_` lines of `memory.stat` include the
    /// descendants, as `memory.usage_in_bytes` does; without use_hierarchy
    /// (RHEL 6's default) the kernel prints no `total_` lines and the
    /// cgroup's own are used.
    mutating func readV1(_ directory: String, path: String) -> CgroupTree.Cgroup? {
        let root = self.root, buffer = self.buffer  // captured: the closures must not borrow self
        guard let usage = required(directory, "memory.usage_in_bytes", { (d, b) throws(SourceError) in
            try root.cgroupValue(d, "memory.usage_in_bytes", buffer: b)
        }) else { return nil }
        var cgroup = CgroupTree.Cgroup(path: path, version: 1)
        cgroup.currentBytes = usage
        cgroup.limit = optional(directory + "/memory.limit_in_bytes") { () throws(SourceError) in
            try root.cgroupLimitV1(directory, "memory.limit_in_bytes", buffer: buffer)
        }
        if let stat = optional(directory + "/memory.stat", { () throws(SourceError) in
            try root.cgroupMemoryStat(directory, buffer: buffer)
        }) {
            cgroup.anonBytes = stat.totalRss ?? stat.rss
            cgroup.fileBytes = stat.totalCache ?? stat.cache
            cgroup.shmemBytes = stat.totalShmem ?? stat.shmem
            cgroup.swapBytes = stat.totalSwap ?? stat.swap
        }
        // Absent with cgroup.memory=nokmem or CONFIG_MEMCG_KMEM off.
        cgroup.kernelBytes = optional(directory + "/memory.kmem.usage_in_bytes") { () throws(SourceError) in
            try root.cgroupValue(directory, "memory.kmem.usage_in_bytes", buffer: buffer)
        }
        cgroup.oomKill = optional(directory + "/memory.oom_control") { () throws(SourceError) in
            try root.cgroupOomControl(directory, buffer: buffer)
        }?.oomKill
        if let slabinfo = kmemSlabinfo(directory) {
            let shares = slabShares(slabinfo)
            cgroup.slabCaches = shares
            cgroup.slabBytes = shares.reduce(0) { $0.addingReportingOverflow($1.sizeBytes).partialValue }
        }
        return cgroup
    }

    /// nil when the kernel prints nothing (5.9+) or refuses with EIO until
    /// kmem accounting is active for the cgroup (3.x, RHEL 7).
    private mutating func kmemSlabinfo(_ directory: String) -> Slabinfo? {
        do {
            return try root.cgroupKmemSlabinfo(directory, buffer: buffer)
        } catch {
            if case .read(let read) = error, read.isNoData || read.errno == .ioError { return nil }
            attempt.record(Unavailable(relative: directory + "/memory.kmem.slabinfo", error: error))
            return nil
        }
    }

    private mutating func slabShares(_ slabinfo: Slabinfo) -> [CgroupTree.SlabShare] {
        if pageSize == nil { pageSize = HostPageSize.of(root, buffer: ReadBuffer(capacity: 4096))?.bytes }
        let page = HostPageSize.bytesOrAssumed(pageSize.map { HostPageSize(bytes: $0, source: .sysconf) })
        var shares: [CgroupTree.SlabShare] = []
        for cache in slabinfo.caches {
            let (pages, o1) = cache.numSlabs.multipliedReportingOverflow(by: cache.pagesPerSlab)
            let (bytes, o2) = pages.multipliedReportingOverflow(by: page)
            guard !o1, !o2, bytes > 0 else { continue }
            shares.append(CgroupTree.SlabShare(name: cache.name, activeObjs: cache.activeObjs, numObjs: cache.numObjs, sizeBytes: bytes))
        }
        return shares.sorted { $0.sizeBytes != $1.sizeBytes ? $0.sizeBytes > $1.sizeBytes : $0.name < $1.name }
    }

    /// The file that makes a directory a memory cgroup: nil without a
    /// record when it is absent (not a memory cgroup, or removed mid-walk).
    private mutating func required(
        _ directory: String, _ file: String, _ read: (String, ReadBuffer) throws(SourceError) -> UInt64
    ) -> UInt64? {
        do { return try read(directory, buffer) } catch {
            if case .read(let failure) = error, failure.isNoData { return nil }
            attempt.record(Unavailable(relative: directory + "/" + file, error: error))
            return nil
        }
    }

    /// A file this kernel may not have (ENOENT: nil, silently); any other
    /// failure is recorded and the cgroup kept without that figure.
    private mutating func optional<T>(_ relative: String, _ read: () throws(SourceError) -> T) -> T? {
        do { return try read() } catch {
            if case .read(let failure) = error, failure.isNoData { return nil }
            attempt.record(Unavailable(relative: relative, error: error))
            return nil
        }
    }
}
