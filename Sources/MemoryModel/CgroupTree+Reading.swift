import KernelFiles

extension CgroupTree {
    /// Finds the cgroup hierarchies in `proc/self/mountinfo` and reads every
    /// memory cgroup, with one buffer for every file. A host without cgroups
    /// (or a tree captured without them) gives an empty tree and the reason
    /// in `unavailable`, never a failure.
    public static func read(root: ProcRoot, buffer: ReadBuffer = ReadBuffer(), top: Int? = nil) -> CgroupTree {
        var attempt = SourceAttempt(root: root)
        guard let mounts = attempt.read({ () throws(SourceError) in try root.mountinfo(buffer: buffer) })
        else { return CgroupTree(version: nil, cgroups: [], totalCount: 0, dyingCgroups: nil, unavailable: attempt.unavailable) }
        let v2 = mounts.cgroup2, v1 = mounts.cgroupV1Memory
        let version: Version? = v2 != nil && v1 != nil ? .hybrid : v2 != nil ? .v2 : v1 != nil ? .v1 : nil
        var walker = CgroupWalker(root: root, buffer: buffer, attempt: attempt)
        var dying: UInt64?
        if let v1 {
            let live = walker.walk(mount: v1, version: 1)
            dying = v1DyingCount(root: root, buffer: buffer, mount: v1, live: live)
        }
        // The memory controller sits on one hierarchy only: on a hybrid host
        // the unified one usually has none, and every directory lacks memory.current.
        if let v2, !(v1 != nil && !walker.unifiedHasMemory(v2)) {
            _ = walker.walk(mount: v2, version: 2)
            if v1 == nil, let stat = try? root.cgroupStat(relative(v2.mountPoint), buffer: buffer) {
                dying = stat.nrDyingDescendants
            }
        }
        if version == nil {
            walker.attempt.record(Unavailable(
                source: "/sys/fs/cgroup", reason: "no cgroup2 or cgroup v1 memory hierarchy is mounted",
                remedy: "mount one (mount -t cgroup2 none /sys/fs/cgroup) or boot with the memory controller enabled"))
        } else if walker.found.isEmpty {
            walker.attempt.record(Unavailable(
                source: "/" + relative((v1 ?? v2)?.mountPoint ?? "/sys/fs/cgroup"),
                reason: "no memory cgroup found (the memory controller is not enabled)",
                remedy: "enable it: echo +memory > /sys/fs/cgroup/cgroup.subtree_control, or cgroup_enable=memory on the kernel command line"))
        }
        var cgroups = walker.found.sorted(by: byUsage)
        let total = cgroups.count
        if let top, top >= 0, cgroups.count > top { cgroups.removeSubrange(top...) }
        return CgroupTree(version: version, cgroups: cgroups, totalCount: total, dyingCgroups: dying,
                          unavailable: walker.attempt.unavailable)
    }

    /// A mount point as a path under the root ("sys/fs/cgroup/memory").
    static func relative(_ mountPoint: String) -> String {
        var path = Substring(mountPoint)
        while path.hasPrefix("/") { path = path.dropFirst() }
        return String(path)
    }

    /// `/proc/cgroups` counts memory cgroups until they are freed; the
    /// directories are the live ones. Only when the walk saw the whole
    /// hierarchy (mounted from its root, not a container's sub-tree).
    static func v1DyingCount(root: ProcRoot, buffer: ReadBuffer, mount: Mountinfo.Mount, live: Int) -> UInt64? {
        guard mount.root == "/", live > 0, let table = try? root.procCgroups(buffer: buffer),
              let memory = table["memory"], memory.numCgroups >= UInt64(live)
        else { return nil }
        return memory.numCgroups - UInt64(live)
    }
}

/// Walks one hierarchy depth-first, reading each cgroup's memory files.
struct CgroupWalker {
    let root: ProcRoot
    let buffer: ReadBuffer
    var attempt: SourceAttempt
    var found: [CgroupTree.Cgroup] = []
    var pageSize: UInt64?

    init(root: ProcRoot, buffer: ReadBuffer, attempt: SourceAttempt) {
        self.root = root
        self.buffer = buffer
        self.attempt = attempt
    }

    /// Deeper than any real hierarchy; stops a looping fixture.
    static let maximumDepth = 64

    /// Names of interface files, skipped without a `stat` when looking for
    /// child cgroups (a cgroup directory holds ~30–60 of them).
    static let filePrefixes = [
        "cgroup.", "memory.", "cpu.", "cpuset.", "io.", "pids.", "hugetlb.", "rdma.", "misc.", "irq.",
        "tasks", "notify_on_release", "release_agent",
    ]

    func unifiedHasMemory(_ mount: Mountinfo.Mount) -> Bool {
        let directory = CgroupTree.relative(mount.mountPoint)
        guard (try? root.read(directory + "/cgroup.controllers", into: buffer)) != nil else { return false }
        return buffer.withBytes { bytes in
            for line in ByteScanner(bytes) {
                for field in line.fields where ByteField.equals(field, "memory") { return true }
            }
            return false
        }
    }

    /// Reads every cgroup below `mount`; returns how many directories it saw.
    mutating func walk(mount: Mountinfo.Mount, version: Int) -> Int {
        var stack: [(directory: String, path: String, depth: Int)] = [(CgroupTree.relative(mount.mountPoint), mount.root, 0)]
        var seen = 0
        while let (directory, path, depth) = stack.popLast() {
            seen += 1
            if let cgroup = version == 2 ? readV2(directory, path: path) : readV1(directory, path: path) {
                found.append(cgroup)
            }
            guard depth < Self.maximumDepth, let names = try? root.list(directory) else { continue }
            for name in names.reversed() where !Self.filePrefixes.contains(where: { name.hasPrefix($0) }) {
                let child = directory + "/" + name
                guard root.exists(child + "/cgroup.procs") else { continue }
                stack.append((child, path == "/" ? "/" + name : path + "/" + name, depth + 1))
            }
        }
        return seen
    }
}
