import KernelFiles

/// One pass over every process under a root: the rows `ps` shows, and what
/// could not be read. All files go through one `ReadBuffer`.
///
/// Per process, two files on a current kernel — each file costs about the
/// same fixed ~40 µs on a VM host, so the sweep reads no more than it must:
/// `status` (identity, VIRT/RES/SHR; no `VmSize` means a kernel thread or
/// zombie: skipped before anything else is read) and `smaps_rollup` (PSS,
/// USS, Swap; summed from `smaps` before 4.14). `statm` only on kernels
/// before 4.5 (SHR; since 4.5 status' RssFile + RssShmem is the same count),
/// `cgroup` only when grouping by it, and `stat`/`cmdline` (start time, full
/// command line) only for the rows shown, through `readDetails`.
///
/// A process that exits mid-sweep (ENOENT/ESRCH) is skipped silently. A file
/// the kernel refuses (EACCES: another user's smaps_rollup, or
/// `/proc/1/smaps_rollup` in some sandboxes even for root) leaves that
/// figure nil and counts the process in `unreadable`. A file that does not
/// parse leaves its figures nil and is listed in `unavailable`.
public struct ProcessSweep: Sendable, Equatable {
    public var rows: [ProcessRow] = []
    /// Processes with at least one memory file refused (permission denied).
    public var unreadable = 0
    /// Processes that went away while being read.
    public var vanished = 0
    /// Kernel threads and zombies (no address space), skipped.
    public var withoutMemory = 0
    public var unavailable: [Unavailable] = []

    public init() {}
}

/// Reads sweeps of a root; keeps the buffer and the user names between sweeps.
public final class ProcessSweeper {
    public let root: ProcRoot
    public let pageSize: UInt64
    /// Read `/proc/PID/cgroup` too (for grouping by cgroup).
    public var readsCgroup = false
    private let buffer: ReadBuffer
    private var userNames: [UInt32: String]?
    /// Set after the first process whose smaps_rollup is missing but whose
    /// smaps exists: a kernel before 4.14, so stop trying the rollup.
    private var rollupMissing = false

    public init(root: ProcRoot, pageSize: UInt64, buffer: ReadBuffer = ReadBuffer()) {
        self.root = root
        self.pageSize = pageSize
        self.buffer = buffer
    }

    /// Reads every process. Fails only when `proc/` itself cannot be listed.
    public func sweep() throws(ReadError) -> ProcessSweep {
        var sweep = ProcessSweep()
        let pids = try root.pids()
        sweep.rows.reserveCapacity(pids.count)
        for pid in pids { read(pid, into: &sweep) }
        return sweep
    }

    /// What reading one file of one process gave.
    private enum Outcome<T> {
        case value(T)
        /// ENOENT/ESRCH: the process is gone.
        case gone
        /// EACCES/EPERM.
        case refused
        /// A parse error or another errno, listed in `unavailable`.
        case failed
    }

    private func attempt<T>(
        _ relative: String, _ sweep: inout ProcessSweep, _ read: () throws(SourceError) -> T
    ) -> Outcome<T> {
        do {
            return .value(try read())
        } catch {
            if case .read(let readError) = error {
                if readError.isNoData { return .gone }
                if readError.isPermissionDenied { return .refused }
            }
            sweep.unavailable.append(Unavailable(relative: relative, error: error))
            return .failed
        }
    }

    /// Reads one process; appends a row unless it is gone, has no memory, or
    /// its status cannot be read at all.
    public func read(_ pid: Int32, into sweep: inout ProcessSweep) {
        let status: ProcessStatus
        switch attempt("proc/\(pid)/status", &sweep, { () throws(SourceError) in try root.processStatus(pid, buffer: buffer) }) {
        case .value(let value): status = value
        case .gone: sweep.vanished += 1; return
        case .refused: sweep.unreadable += 1; return
        case .failed: return
        }
        if status.hasNoAddressSpace {
            sweep.withoutMemory += 1
            return
        }
        var refused = false
        var row = ProcessRow(
            pid: pid, user: userName(status.effectiveUid), uid: status.effectiveUid, command: status.name,
            virt: status.vmSize, res: status.vmRSS)

        if let file = status.rssFile, let shmem = status.rssShmem {
            row.shr = file.addingReportingOverflow(shmem).overflow ? nil : file + shmem
        } else {
            switch attempt("proc/\(pid)/statm", &sweep, { () throws(SourceError) in try root.processStatm(pid, buffer: buffer) }) {
            case .value(let statm):
                let (bytes, overflow) = statm.sharedPages.multipliedReportingOverflow(by: pageSize)
                row.shr = overflow ? nil : bytes
            case .gone: sweep.vanished += 1; return
            case .refused: refused = true
            case .failed: break
            }
        }

        switch readRollup(pid, &sweep) {
        case .value(let rollup):
            row.pss = rollup.pss
            row.uss = rollup.uss
            row.swap = rollup.swap ?? status.vmSwap
        case .gone: sweep.vanished += 1; return
        case .refused:
            refused = true
            row.swap = status.vmSwap
        case .failed:
            row.swap = status.vmSwap
        }

        if readsCgroup {
            switch attempt("proc/\(pid)/cgroup", &sweep, { () throws(SourceError) in try root.processCgroup(pid, buffer: buffer) }) {
            case .value(let cgroup): row.cgroup = cgroup.memoryPath
            // No cgroup file (a kernel without CONFIG_CGROUPS, a capture that
            // left it out) or the process exited after its figures were read:
            // the row stands, without a cgroup.
            case .gone: break
            case .refused: refused = true
            case .failed: break
            }
        }

        if refused { sweep.unreadable += 1 }
        sweep.rows.append(row)
    }

    /// Fills in the start time (`stat`) and the command line (`cmdline`) of
    /// rows already read: only for the rows a view shows, because on this
    /// class of host every extra file costs as much as `status` itself
    /// (~40 µs, see docs/PERFORMANCE.md). A process gone since keeps nil and
    /// an empty cmdline. Returns the files that failed otherwise.
    public func readDetails(_ rows: inout [ProcessRow]) -> [Unavailable] {
        var sweep = ProcessSweep()
        for index in rows.indices {
            let pid = rows[index].pid
            if case .value(let stat) = attempt("proc/\(pid)/stat", &sweep, { () throws(SourceError) in
                try root.processStat(pid, buffer: buffer)
            }) {
                rows[index].startTimeTicks = stat.startTimeTicks
            }
            if case .value(let cmdline) = attempt("proc/\(pid)/cmdline", &sweep, { () throws(SourceError) in
                try root.processCmdline(pid, buffer: buffer)
            }) {
                rows[index].cmdline = cmdline.joined
            }
        }
        return sweep.unavailable
    }

    /// smaps_rollup, or the sums of smaps on a kernel without the rollup.
    private func readRollup(_ pid: Int32, _ sweep: inout ProcessSweep) -> Outcome<SmapsRollup> {
        if !rollupMissing {
            do {
                return .value(try root.smapsRollup(pid, buffer: buffer))
            } catch .read(let error) where error.errno == .noSuchFileOrDirectory {
                // Gone, or a kernel before 4.14: the process's smaps tells which.
                guard root.exists("proc/\(pid)/smaps") else { return .gone }
                rollupMissing = true
            } catch {
                return attempt("proc/\(pid)/smaps_rollup", &sweep) { () throws(SourceError) in throw error }
            }
        }
        return attempt("proc/\(pid)/smaps", &sweep) { () throws(SourceError) in try root.smapsSums(pid, buffer: buffer) }
    }

    /// The name of `uid` from the root's etc/passwd (read once), or the number.
    private func userName(_ uid: UInt32?) -> String {
        guard let uid else { return "?" }
        if userNames == nil { userNames = (try? root.passwd(buffer: buffer)) ?? [:] }
        return userNames?[uid] ?? String(uid)
    }
}
