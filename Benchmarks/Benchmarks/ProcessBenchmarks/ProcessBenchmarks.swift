import Benchmark
import KernelFiles
import MemoryModel

// The issue-3 target: the all-process sweep's CPU is at most 1.2× the CPU
// of merely reading every process's `status` and `smaps_rollup` (the two
// files the sweep needs) in the same reused-buffer loop. scripts/bench-processes
// runs this with 500 … 5000 idle processes alive to show it stays linear.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal],
        warmupIterations: 2,
        scalingFactor: .one,
        maxDuration: .seconds(4),
        maxIterations: 60)

    let root = ProcRoot("/")

    Benchmark("process sweep") { benchmark in
        let buffer = ReadBuffer()
        for _ in benchmark.scaledIterations {
            let sweeper = ProcessSweeper(root: root, pageSize: 4096, buffer: buffer)
            blackHole(try sweeper.sweep())
        }
    }

    Benchmark("read status+smaps_rollup only") { benchmark in
        let buffer = ReadBuffer()
        for _ in benchmark.scaledIterations {
            for pid in try root.pids() {
                try? root.read("proc/\(pid)/status", into: buffer)
                try? root.read("proc/\(pid)/smaps_rollup", into: buffer)
                blackHole(buffer.count)
            }
        }
    }
}
