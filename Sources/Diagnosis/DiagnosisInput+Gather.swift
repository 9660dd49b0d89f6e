import KernelFiles
import MemoryModel

extension DiagnosisInput {
    /// Reads what the doctor needs through `root`, once: the snapshot
    /// (`SnapshotCollector`), the process sweep (`ProcessSweeper`, as
    /// `memsleuth ps`), the suspects among those processes
    /// (`SuspectScanner`: NSS mapped or a curl, with environment and parent
    /// chain), the memory cgroups (`CgroupTree.read`) and the tmpfs mounts.
    /// Never fails: what cannot be read is in `unavailable` (the cgroup
    /// tree's and tmpfs' failures; the snapshot's own stay in
    /// `snapshot.unavailable`, per-process files in `processes.unavailable`).
    ///
    /// - Parameters:
    ///   - scansProcesses: false skips the sweep and suspects (a caller that
    ///     only wants the account).
    ///   - scansMaps: false skips reading every process's `maps` (curls are
    ///     still found by name); for measuring what that scan costs.
    public static func gather(root: ProcRoot, scansProcesses: Bool = true, scansMaps: Bool = true) -> DiagnosisInput {
        // The snapshot sweeps the processes and walks the cgroups once; the
        // doctor reuses both rather than reading /proc twice.
        let snapshot = SnapshotCollector(root: root, includeProcesses: scansProcesses, includeCgroups: true).collect()
        let buffer = ReadBuffer()
        var unavailable: [Unavailable] = []

        let processes = snapshot.processes
        var suspects: [ProcessEvidence] = []
        if scansProcesses, let sweep = processes {
            var scanner = SuspectScanner(root: root, buffer: buffer)
            scanner.scansMaps = scansMaps
            suspects = scanner.scan(sweep.rows)
        }

        let cgroups = snapshot.cgroups
        let tmpfs = TmpfsMount.gather(root: root, buffer: buffer)
        unavailable += tmpfs.unavailable
        return DiagnosisInput(
            snapshot: snapshot, processes: processes, suspects: suspects, cgroups: cgroups,
            tmpfs: tmpfs.mounts, unavailable: unavailable)
    }
}

extension DiagnosisInput {
    /// With history known: reads the command line and start time of the
    /// processes `process.growth` will look at (the sweep reads neither),
    /// so that the finding names the program and a reused pid is told apart.
    public mutating func readDetailsOfGrowingProcesses(root: ProcRoot) {
        var candidates = GrowthRules.growthCandidates(self)
        guard !candidates.isEmpty, var sweep = processes ?? snapshot.processes else { return }
        _ = ProcessSweeper(root: root, pageSize: snapshot.pageSizeBytes).readDetails(&candidates)
        let details = Dictionary(candidates.map { ($0.pid, $0) }, uniquingKeysWith: { a, _ in a })
        for index in sweep.rows.indices {
            guard let row = details[sweep.rows[index].pid] else { continue }
            sweep.rows[index].cmdline = row.cmdline
            sweep.rows[index].startTimeTicks = row.startTimeTicks
        }
        if processes != nil { processes = sweep } else { snapshot.processes = sweep }
    }
}
