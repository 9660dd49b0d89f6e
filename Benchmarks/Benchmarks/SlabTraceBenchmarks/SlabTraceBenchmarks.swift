import Benchmark
import KernelFiles
import SlabTrace

// Events parsed per second by `trace slab`'s reader: a large trace in the
// 6.18 text format (Tests/Fixtures/trace/linux-6.18-hc.trace's line shapes,
// scaled up: 1,000,000 events from 200 short-lived processes, 80 % allocations,
// 20 % frees of earlier objects, fork/exec/exit for each process), fed in
// 64 KiB reads as trace_pipe delivers it. Target: ≥ 1 M events/s.
// Throughput is reported per iteration; one iteration = 1,000,000 events.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .throughput, .mallocCountTotal],
        warmupIterations: 1,
        scalingFactor: .one,
        maxDuration: .seconds(20),
        maxIterations: 10)

    let trace = SyntheticTrace.make(events: 1_000_000)

    Benchmark("trace slab: parse+attribute 1 M events (text)") { benchmark in
        for _ in benchmark.scaledIterations {
            let attribution = SlabAttribution(cacheName: "dentry")
            trace.withUnsafeBytes { bytes in
                var start = 0
                while start < bytes.count {
                    let end = min(bytes.count, start + 65_536)
                    attribution.feed(UnsafeRawBufferPointer(rebasing: bytes[start..<end]))
                    start = end
                }
            }
            attribution.finish()
            blackHole(attribution.allocations)
        }
    }

    // The live path: binary trace_pipe_raw pages (Tests/Fixtures/trace/raw-6.18, a real
    // two-CPU capture), decoded, merged by time and attributed, repeated to 1 M events.
    let raw = RawPages.load()
    Benchmark("trace slab: decode+attribute 1 M events (trace_pipe_raw pages)") { benchmark in
        guard let raw else { return }
        for _ in benchmark.scaledIterations {
            let attribution = SlabAttribution(cacheName: "dentry")
            var events: [(time: UInt64, event: TraceEvent)] = []
            events.reserveCapacity(8192)
            var decoded = 0
            while decoded < 1_000_000 {
                raw.pages.withUnsafeBytes { all in
                    var start = 0
                    while start + 4096 <= all.count {
                        _ = raw.decoder.decode(page: UnsafeRawBufferPointer(rebasing: all[start..<(start + 4096)]), into: &events)
                        start += 4096
                    }
                }
                decoded += events.count
                attribution.consume(&events)
            }
            blackHole(attribution.allocations)
        }
    }

    Benchmark("trace slab: parse only 1 M events (text)") { benchmark in
        let parser = TraceLineParser(cacheName: "dentry")
        for _ in benchmark.scaledIterations {
            var count = 0
            trace.withUnsafeBytes { bytes in
                for line in ByteScanner(bytes) where parser.parse(line.bytes) != nil { count += 1 }
            }
            blackHole(count)
        }
    }
}

enum SyntheticTrace {
    static func make(events: Int) -> [UInt8] {
        var text = ""
        text.reserveCapacity(events * 190)
        var time = 8_213_000_000 as UInt64 // microseconds
        var pointer: UInt64 = 0xef9d_2ac6
        var emitted = 0
        var process = 0
        while emitted < events {
            let pid = 20_000 + process
            let cpu = process % 2
            func head(_ comm: String, _ pid: Int) -> String {
                time += 3
                let seconds = time / 1_000_000, micros = time % 1_000_000
                let fraction = String(micros)
                let padded = String(repeating: "0", count: 6 - fraction.count) + fraction
                let task = "\(comm)-\(pid)"
                return String(repeating: " ", count: max(0, 24 - task.count)) + task + "   [00\(cpu)] .....  \(seconds).\(padded): "
            }
            text += head("hc.sh", 19_999) + "sched_process_fork: comm=hc.sh pid=19999 child_comm=hc.sh child_pid=\(pid)\n"
            text += head("nss-probe", pid) + "sched_process_exec: filename=/tmp/x/bin/nss-probe pid=\(pid) old_pid=\(pid)\n"
            emitted += 2
            for index in 0..<5_000 where emitted < events {
                if index % 5 == 4 {
                    text += head("nss-probe", pid) + "kmem_cache_free: call_site=__d_free+0x16/0x20 ptr=\(hex(pointer &- 7)) name=dentry\n"
                } else {
                    pointer &+= 0x9e37_79b9
                    text += head("nss-probe", pid) + "kmem_cache_alloc: call_site=__d_alloc+0x2d/0x230 ptr=\(hex(pointer)) name=dentry bytes_req=192 bytes_alloc=192 gfp_flags=GFP_KERNEL node=-1 accounted=true\n"
                }
                emitted += 1
            }
            text += head("nss-probe", pid) + "sched_process_exit: comm=nss-probe pid=\(pid) prio=120 group_dead=true\n"
            emitted += 1
            process += 1
        }
        return Array(text.utf8)
    }

    static func hex(_ value: UInt64) -> String {
        let digits = String(value & 0xffff_ffff_ffff, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}

enum RawPages {
    static func load() -> (pages: [UInt8], decoder: RawTraceDecoder)? {
        var path = #filePath
        for _ in 0..<4 { path = String(path[..<(path.lastIndex(of: "/") ?? path.endIndex)]) }
        let root = ProcRoot(path + "/Tests/Fixtures/trace/raw-6.18")
        let buffer = ReadBuffer()
        func text(_ name: String) -> String {
            (try? root.read("formats/" + name, into: buffer)) == nil ? "" : String(decoding: buffer.bytes, as: UTF8.self)
        }
        guard let decoder = RawTraceDecoder(
            alloc: text("kmem_cache_alloc"), free: text("kmem_cache_free"), fork: text("sched_process_fork"),
            exec: text("sched_process_exec"), exit: text("sched_process_exit")) else { return nil }
        var pages: [UInt8] = []
        for cpu in ["cpu0.raw", "cpu1.raw"] where (try? root.read(cpu, into: buffer)) != nil { pages += buffer.bytes }
        return (pages, decoder)
    }
}
