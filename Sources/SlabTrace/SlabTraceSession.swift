#if canImport(Glibc)
import Glibc
#endif
import KernelFiles

/// One `trace slab` run: its own tracing instance (`instances/memsleuth-PID`),
/// the cache's kmem events and the scheduler's process events, read from the
/// instance's `trace_pipe` until the duration ends or `shouldStop` says so.
/// No global tracing file is written; the instance is removed on every way
/// out of `run` (normal end, error, SIGINT/SIGTERM via `shouldStop`), and an
/// instance left by a SIGKILLed run is removed by the next one.
public struct SlabTraceSession {
    public struct Outcome {
        public var report: SlabAttributionReport
        /// Instances of dead memsleuth runs removed before tracing.
        public var removedLeftovers: [String]
        /// True when the kernel had no cache name and call sites were used.
        public var byCallSite: Bool

        public init(report: SlabAttributionReport, removedLeftovers: [String], byCallSite: Bool) {
            self.report = report
            self.removedLeftovers = removedLeftovers
            self.byCallSite = byCallSite
        }
    }

    public var cache: String
    public var durationSeconds: Double
    public var facts: ProcessFacts?
    /// Per-CPU buffer of the instance, in KiB (the instance's own setting).
    public var bufferKiB = 4096

    public init(cache: String, durationSeconds: Double, facts: ProcessFacts?) {
        self.cache = cache
        self.durationSeconds = durationSeconds
        self.facts = facts
    }

    static let processEvents = ["sched_process_fork", "sched_process_exec", "sched_process_exit"]

    public func run(shouldStop: () -> Bool) throws(TraceFailure) -> Outcome {
        guard geteuid() == 0 else {
            throw TraceFailure("tracing slab allocations needs root (the kernel's tracing files are root's): run with sudo")
        }
        let fs = try TraceFS.locate()
        defer { fs.release() }
        var removed: [String] = []
        for leftover in fs.leftoverInstances() {
            try fs.removeInstance(leftover)
            removed.append(leftover)
        }
        let name = TraceFS.instanceName()
        let instance = "instances/" + name
        if mkdir(fs.root + "/" + instance, 0o755) != 0 {
            if errno == ENOENT || errno == EACCES || errno == EPERM {
                throw TraceFailure("cannot create trace instance \(fs.root)/\(instance): \(String(cString: strerror(errno))) (trace instances need Linux 3.10+ and root)")
            }
            throw TraceFailure("cannot create trace instance \(fs.root)/\(instance): \(String(cString: strerror(errno)))")
        }
        var pipe: Int32 = -1
        defer {
            if pipe >= 0 { close(pipe) }
            // The kernel refuses (EBUSY) while a file of the instance is open; it was closed above.
            try? fs.removeInstance(name)
        }
        let kmem = instance + "/events/kmem/"
        guard let allocFormat = fs.read(kmem + "kmem_cache_alloc/format"),
              let freeFormat = fs.read(kmem + "kmem_cache_free/format") else {
            throw TraceFailure("this kernel has no kmem:kmem_cache_alloc/kmem_cache_free events (\(fs.root)/events/kmem): it needs CONFIG_TRACEPOINTS")
        }
        let filter = try CacheFilter.choose(cache: cache, allocFormat: allocFormat, freeFormat: freeFormat) {
            let buffer = ReadBuffer(capacity: 16 << 20)
            guard (try? ProcRoot().read("proc/kallsyms", into: buffer)) != nil else { return nil }
            return buffer.bytes
        }
        try? fs.write(instance + "/buffer_size_kb", String(bufferKiB))
        try fs.write(kmem + "kmem_cache_alloc/filter", filter.allocFilter)
        try fs.write(kmem + "kmem_cache_free/filter", filter.freeFilter)
        for event in Self.processEvents {
            try fs.write(instance + "/events/sched/" + event + "/enable", "1")
        }
        pipe = open(fs.root + "/" + instance + "/trace_pipe", O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard pipe >= 0 else {
            throw TraceFailure("cannot open \(fs.root)/\(instance)/trace_pipe: \(String(cString: strerror(errno)))")
        }
        let attribution = SlabAttribution(cacheName: cache, facts: facts)
        // The process events first, so that the parents of the first allocations are known.
        try fs.write(kmem + "kmem_cache_free/enable", "1")
        try fs.write(kmem + "kmem_cache_alloc/enable", "1")
        let started = Self.monotonicSeconds()
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        while !shouldStop() {
            let left = durationSeconds - (Self.monotonicSeconds() - started)
            if left <= 0 { break }
            var poller = pollfd(fd: pipe, events: Int16(POLLIN), revents: 0)
            // tracefs wakes a poller only when buffer_percent of the buffer is
            // full (6.x): the timeout makes us read at least every 50 ms anyway.
            _ = poll(&poller, 1, Int32(min(50, max(1, left * 1000))))
            drain(pipe, buffer, into: attribution, until: started + durationSeconds, shouldStop: shouldStop)
        }
        let elapsed = Self.monotonicSeconds() - started
        // Stop the events, then read what is still buffered.
        try? fs.write(instance + "/tracing_on", "0")
        drain(pipe, buffer, into: attribution, until: .infinity, shouldStop: { false })
        attribution.finish()
        let report = SlabAttributionReport(attribution, cache: cache, durationSeconds: elapsed)
        return Outcome(report: report, removedLeftovers: removed, byCallSite: filter.byCallSite)
    }

    /// Reads until the pipe is empty, the deadline passes or `shouldStop`:
    /// under a flood of events the pipe may never be empty.
    private func drain(_ pipe: Int32, _ buffer: UnsafeMutableRawBufferPointer, into attribution: SlabAttribution,
                       until deadline: Double, shouldStop: () -> Bool) {
        var reads = 0
        while true {
            reads += 1
            if reads % 16 == 0 && (shouldStop() || Self.monotonicSeconds() >= deadline) { return }
            let count = read(pipe, buffer.baseAddress, buffer.count)
            if count > 0 {
                attribution.feed(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
            } else if count < 0 && errno == EINTR {
                continue
            } else {
                return
            }
        }
    }

    static func monotonicSeconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }

    /// `trace --cleanup`: removes instances left by dead memsleuth runs; returns their names.
    public static func cleanup() throws(TraceFailure) -> [String] {
        guard geteuid() == 0 else { throw TraceFailure("removing trace instances needs root: run with sudo") }
        let fs = try TraceFS.locate()
        defer { fs.release() }
        var removed: [String] = []
        for leftover in fs.leftoverInstances() {
            try fs.removeInstance(leftover)
            removed.append(leftover)
        }
        return removed
    }
}
