#if canImport(Glibc)
import Glibc
#endif
import KernelFiles

/// The tmpfs mounts of a host and their usage: the doctor's `shmem.*` rules
/// name them, and `memsleuth capture` keeps them in each sample (a bundle
/// cannot be statfs'd on another machine).
extension CapturedTmpfs.Mount {
    /// The file systems whose pages the kernel counts in meminfo's `Shmem`:
    /// tmpfs and devtmpfs (a tmpfs inside when CONFIG_TMPFS). ramfs is not
    /// shmem (its pages are in Cached and Unevictable), hugetlbfs is in the
    /// huge page pool.
    static let shmemFileSystems: Set<String> = ["tmpfs", "devtmpfs"]

    /// The tmpfs mounts and their usage, largest use first.
    ///
    /// Live: the mounts of `proc/self/mountinfo`, each statfs(2)'d. A
    /// superblock mounted twice (a bind mount of the whole tmpfs, the same
    /// /dev/shm seen at two places) is counted once, by the mount point's
    /// device number; a bind mount of a sub-directory (mountinfo's root is
    /// not "/") shows part of a file system listed elsewhere and is skipped.
    ///
    /// A captured tree cannot be statfs'd here: its `memsleuth/tmpfs` (see
    /// `CapturedTmpfs`) is read instead, and without one the list is empty
    /// and `unavailable` says why.
    public static func gather(root: ProcRoot, buffer: ReadBuffer) -> (mounts: [Self], unavailable: [Unavailable]) {
        var attempt = SourceAttempt(root: root)
        if !root.isLive {
            guard root.exists("memsleuth/tmpfs") else {
                attempt.record(Unavailable(
                    source: "/memsleuth/tmpfs",
                    reason: "tmpfs usage comes from statfs(2) on the live host, and this tree holds no captured figures",
                    remedy: "capture the tree with a current scripts/capture-fixture or memsleuth capture"))
                return ([], attempt.unavailable)
            }
            let captured = attempt.read { () throws(SourceError) in try root.capturedTmpfs(buffer: buffer) }
            let mounts = (captured?.mounts ?? []).map {
                Self(mountPoint: $0.mountPoint, usedBytes: $0.usedBytes, sizeBytes: $0.sizeBytes)
            }
            return (mounts.sorted(by: byUse), attempt.unavailable)
        }
        guard let info = attempt.read({ () throws(SourceError) in try root.mountinfo(buffer: buffer) }) else {
            return ([], attempt.unavailable)
        }
        var devices: Set<UInt64> = []
        var mounts: [Self] = []
        for mount in info.mounts where shmemFileSystems.contains(mount.fsType) && mount.root == "/" {
            var status = stat()
            guard stat(mount.mountPoint, &status) == 0 else { continue }
            guard devices.insert(UInt64(status.st_dev)).inserted else { continue }
            mounts.append(usage(of: mount.mountPoint))
        }
        return (mounts.sorted(by: byUse), attempt.unavailable)
    }

    /// statfs(2) of a live mount point (through statvfs(3), glibc's wrapper,
    /// which Swift's Glibc module exports). A tmpfs without a size limit
    /// reports no blocks: used and size are then unknown.
    static func usage(of mountPoint: String) -> Self {
        var figures = statvfs()
        guard statvfs(mountPoint, &figures) == 0, figures.f_blocks > 0 else {
            return Self(mountPoint: mountPoint, usedBytes: nil, sizeBytes: nil)
        }
        let blockSize = UInt64(figures.f_frsize)
        let blocks = UInt64(figures.f_blocks), free = UInt64(figures.f_bfree)
        let (size, overflow) = blocks.multipliedReportingOverflow(by: blockSize)
        let (used, usedOverflow) = (blocks >= free ? blocks - free : 0).multipliedReportingOverflow(by: blockSize)
        return Self(mountPoint: mountPoint, usedBytes: usedOverflow ? nil : used, sizeBytes: overflow ? nil : size)
    }

    /// Most used first; unknown last; then by mount point.
    static func byUse(_ a: Self, _ b: Self) -> Bool {
        let left = a.usedBytes ?? 0, right = b.usedBytes ?? 0
        if left != right { return left > right }
        return a.mountPoint < b.mountPoint
    }
}
