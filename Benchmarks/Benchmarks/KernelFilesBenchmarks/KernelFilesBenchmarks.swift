import Benchmark
import KernelFiles

// Costs of reading and parsing each kernel file on the live host. The
// kernel's own cost of producing a file dominates (TOOLCHAIN.md: meminfo
// ~8.5 µs of ~9 µs), so each parse is measured twice: read+parse from /proc,
// and parse alone from bytes read once, which is our share.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .throughput],
        warmupIterations: 100,
        scalingFactor: .kilo,
        maxDuration: .seconds(2),
        maxIterations: 1_000)

    let root = ProcRoot("/")

    Benchmark("meminfo read+parse") { benchmark in
        let buffer = ReadBuffer()
        for _ in benchmark.scaledIterations { blackHole(try root.meminfo(buffer: buffer)) }
    }

    Benchmark("meminfo parse only") { benchmark in
        let buffer = ReadBuffer()
        try root.read("proc/meminfo", into: buffer)
        for _ in benchmark.scaledIterations {
            blackHole(try buffer.withBytes { (bytes) throws(ParseError) in try Meminfo.parse(bytes, path: "/proc/meminfo") })
        }
    }
}
