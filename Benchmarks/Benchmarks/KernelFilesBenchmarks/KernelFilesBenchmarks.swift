import Benchmark
import KernelFiles

// Costs of reading and parsing each kernel file on the live host. The
// kernel's own cost of producing a file dominates (TOOLCHAIN.md: meminfo
// ~8.5 µs of ~9 µs), so each file is measured three ways: read only (the
// floor no parser can beat), read+parse, and parse alone from bytes read
// once — our share.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .throughput],
        warmupIterations: 50,
        scalingFactor: .one,
        maxDuration: .seconds(1),
        maxIterations: 2_000)

    let root = ProcRoot("/")

    func measure<T>(_ name: String, _ relative: String, _ parser: @escaping @Sendable (UnsafeRawBufferPointer, String) throws(ParseError) -> T) {
        Benchmark("\(name) read only") { benchmark in
            let buffer = ReadBuffer()
            for _ in benchmark.scaledIterations { try root.read(relative, into: buffer); blackHole(buffer.count) }
        }
        Benchmark("\(name) read+parse") { benchmark in
            let buffer = ReadBuffer()
            for _ in benchmark.scaledIterations {
                try root.read(relative, into: buffer)
                blackHole(try buffer.withBytes { (bytes) throws(ParseError) in try parser(bytes, relative) })
            }
        }
        Benchmark("\(name) parse only") { benchmark in
            let buffer = ReadBuffer()
            try root.read(relative, into: buffer)
            for _ in benchmark.scaledIterations {
                blackHole(try buffer.withBytes { (bytes) throws(ParseError) in try parser(bytes, relative) })
            }
        }
    }

    measure("meminfo", "proc/meminfo", Meminfo.parse)
    measure("vmstat", "proc/vmstat", Vmstat.parse)
    measure("stat", "proc/stat", ProcStat.parse)
    measure("slabinfo", "proc/slabinfo", Slabinfo.parse)
    measure("buddyinfo", "proc/buddyinfo", Buddyinfo.parse)
    measure("zoneinfo", "proc/zoneinfo", Zoneinfo.parse)
    measure("pagetypeinfo", "proc/pagetypeinfo", Pagetypeinfo.parse)
    measure("pressure", "proc/pressure/memory", Pressure.parse)
}
