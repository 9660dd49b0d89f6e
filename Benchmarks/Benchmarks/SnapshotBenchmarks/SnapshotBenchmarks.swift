import Benchmark
import KernelFiles
import MemoryModel

// The issue-2 target: a full system snapshot in-process costs at most 1.3×
// merely reading the same files. "The same files" is what the collector
// itself logged (Snapshot.filesRead), read whole into one reused buffer,
// plus the /sys/kernel/slab listing and readlink of every entry that any
// reader of merged-cache aliases must do.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .syscalls],
        warmupIterations: 5,
        scalingFactor: .one,
        maxDuration: .seconds(3),
        maxIterations: 300)

    let root = ProcRoot("/")

    Benchmark("snapshot collect") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(SnapshotCollector(root: root).collect()) }
    }

    Benchmark("snapshot files read only") { benchmark in
        let files = SnapshotCollector(root: root).collect().filesRead
        let buffer = ReadBuffer()
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            for file in files { try? root.read(file, into: buffer) }
            if let names = try? root.list("sys/kernel/slab") {
                for name in names { blackHole(try? root.readLink("sys/kernel/slab/" + name)) }
            }
            blackHole(buffer.count)
        }
    }
}
