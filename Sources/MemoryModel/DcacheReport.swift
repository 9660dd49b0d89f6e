import KernelFiles

/// What `memsleuth dcache` gathered: each source on its own, nil when it
/// could not be read (and then listed in `unavailable`).
public struct DcacheReport: Sendable, Equatable {
    public var dentries: DentryState?
    public var inodes: InodeState?
    public var files: FileNr?
    public var sysctls: VmSysctls?
    public var unavailable: [Unavailable]

    public init(dentries: DentryState?, inodes: InodeState?, files: FileNr?, sysctls: VmSysctls?,
                unavailable: [Unavailable] = []) {
        self.dentries = dentries
        self.inodes = inodes
        self.files = files
        self.sysctls = sysctls
        self.unavailable = unavailable
    }

    /// True when none of the three caches could be read: nothing to show
    /// (the vm sysctls alone say nothing about the caches).
    public var hasNoCaches: Bool { dentries == nil && inodes == nil && files == nil }
}

extension DcacheReport {
    /// Reads `/proc/sys/fs/{dentry-state, inode-state, file-nr}` and the vm
    /// sysctls through `root`; every source is optional, each failure is
    /// listed. The one place that gathers the dcache area.
    public static func read(_ root: ProcRoot, buffer: ReadBuffer) -> DcacheReport {
        var attempt = SourceAttempt(root: root)
        let dentries = attempt.read { () throws(SourceError) in try root.dentryState(buffer: buffer) }
        // inode-state and inode-nr carry the same two counters; use inode-nr
        // only where a kernel or capture lacks inode-state.
        let inodes = root.exists("proc/sys/fs/inode-state") || !root.exists("proc/sys/fs/inode-nr")
            ? attempt.read { () throws(SourceError) in try root.inodeState(buffer: buffer) }
            : attempt.read { () throws(SourceError) in try root.inodeNr(buffer: buffer) }
        let files = attempt.read { () throws(SourceError) in try root.fileNr(buffer: buffer) }
        let sysctls = attempt.read { () throws(SourceError) in try root.vmSysctls(buffer: buffer) }
        return DcacheReport(dentries: dentries, inodes: inodes, files: files, sysctls: sysctls,
                            unavailable: attempt.unavailable)
    }
}
