import KernelFiles
import MemoryModel

extension DiagnosisInput {
    /// Reads what the doctor needs through `root`. Placeholder until the
    /// gatherer lands: the snapshot only.
    public static func gather(root: ProcRoot) -> DiagnosisInput {
        DiagnosisInput(snapshot: SnapshotCollector(root: root).collect())
    }
}
