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
        let snapshot = SnapshotCollector(root: root).collect()
        let buffer = ReadBuffer()
        var unavailable: [Unavailable] = []

        var processes: ProcessSweep?
        var suspects: [ProcessEvidence] = []
        if scansProcesses {
            let sweeper = ProcessSweeper(root: root, pageSize: snapshot.pageSizeBytes, buffer: buffer)
            do throws(ReadError) {
                let sweep = try sweeper.sweep()
                processes = sweep
                var scanner = SuspectScanner(root: root, buffer: buffer)
                scanner.scansMaps = scansMaps
                suspects = scanner.scan(sweep.rows)
            } catch {
                unavailable.append(Unavailable(relative: "proc", error: .read(error)))
            }
        }

        let cgroups = CgroupTree.read(root: root, buffer: buffer)
        unavailable += cgroups.unavailable
        let tmpfs = TmpfsMount.gather(root: root, buffer: buffer)
        unavailable += tmpfs.unavailable
        return DiagnosisInput(
            snapshot: snapshot, processes: processes, suspects: suspects, cgroups: cgroups,
            tmpfs: tmpfs.mounts, unavailable: unavailable)
    }
}
