import Diagnosis
import Foundation
import KernelFiles
import MemoryModel
import Testing

/// Prints what `DiagnosisInput.gather` costs on this host, with and without
/// the maps scan. Opt-in (MEMSLEUTH_TIMING=1): timings are not assertions,
/// and the brief reserves benchmarks for the lead. Debug build figures.
@Suite struct GatherTimingTests {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["MEMSLEUTH_TIMING"] == "1"))
    func gatherCost() {
        func best(_ runs: Int, _ body: () -> Void) -> Duration {
            var best = Duration.seconds(3600)
            for _ in 0..<runs {
                let start = ContinuousClock.now
                body()
                best = min(best, ContinuousClock.now - start)
            }
            return best
        }
        let root = ProcRoot()
        var processes = 0
        let full = best(7) { processes = DiagnosisInput.gather(root: root).processes?.rows.count ?? 0 }
        let noMaps = best(7) { _ = DiagnosisInput.gather(root: root, scansMaps: false) }
        let snapshotOnly = best(7) { _ = DiagnosisInput.gather(root: root, scansProcesses: false) }
        let snapshot = best(7) { _ = SnapshotCollector(root: root).collect() }
        // The maps scan alone, over one sweep's rows.
        let rows = (try? ProcessSweeper(root: root, pageSize: 4096).sweep().rows) ?? []
        let scanWith = best(21) {
            var scanner = SuspectScanner(root: root, buffer: ReadBuffer())
            _ = scanner.scan(rows)
        }
        let scanWithout = best(21) {
            var scanner = SuspectScanner(root: root, buffer: ReadBuffer())
            scanner.scansMaps = false
            _ = scanner.scan(rows)
        }
        let buffer = ReadBuffer()
        var bytes = 0
        let readOnly = best(21) {
            bytes = 0
            for row in rows where (try? root.read("proc/\(row.pid)/maps", into: buffer)) != nil { bytes += buffer.count }
        }
        print("maps read alone: \(readOnly) for \(bytes) bytes")
        print("maps scan (debug): \(scanWith) with maps, \(scanWithout) without, over \(rows.count) processes")
        print("gather timing (debug): full \(full), without maps scan \(noMaps), without processes \(snapshotOnly), snapshot alone \(snapshot), processes \(processes)")
    }
}
