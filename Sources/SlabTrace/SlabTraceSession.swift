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
    /// Read the text `trace_pipe` instead of binary pages (slower for the traced host; for comparison).
    public var text = false

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
        let removed = fs.removeLeftovers()
        let name = TraceFS.instanceName()
        let instance = "instances/" + name
        if mkdir(fs.root + "/" + instance, 0o755) != 0 {
            if errno == ENOENT || errno == EACCES || errno == EPERM {
                throw TraceFailure("cannot create trace instance \(fs.root)/\(instance): \(String(cString: strerror(errno))) (trace instances need Linux 3.10+ and root)")
            }
            throw TraceFailure("cannot create trace instance \(fs.root)/\(instance): \(String(cString: strerror(errno)))")
        }
        defer {
            // The kernel refuses (EBUSY) while a file of the instance is open:
            // the pipes' defer (registered later) has closed them by now.
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
        // Trace events carry the kernel's (initial namespace's) pids: from
        // inside a PID namespace, /proc/PID would be another process.
        let attribution = SlabAttribution(cacheName: cache, facts: Self.inNestedPIDNamespace() ? nil : facts)
        let sched = instance + "/events/sched/"
        let decoder = RawTraceDecoder(
            alloc: allocFormat, free: freeFormat, fork: fs.read(sched + "sched_process_fork/format") ?? "",
            exec: fs.read(sched + "sched_process_exec/format") ?? "", exit: fs.read(sched + "sched_process_exit/format") ?? "")
        var pipes: [Int32] = []
        defer { for fd in pipes { close(fd) } }
        let elapsed: Double
        if let decoder, text == false {
            // Binary pages per CPU: the kernel formats no text (docs/PERFORMANCE.md, trace slab).
            let cpus = (try? ProcRoot().list(String(fs.root.dropFirst()) + "/" + instance + "/per_cpu")) ?? []
            for cpu in cpus where cpu.hasPrefix("cpu") {
                let fd = open(fs.root + "/" + instance + "/per_cpu/" + cpu + "/trace_pipe_raw", O_RDONLY | O_NONBLOCK | O_CLOEXEC)
                if fd >= 0 { pipes.append(fd) }
            }
            guard !pipes.isEmpty else {
                throw TraceFailure("cannot open \(fs.root)/\(instance)/per_cpu/cpu*/trace_pipe_raw: \(String(cString: strerror(errno)))")
            }
            let pageSize = (fs.read(instance + "/buffer_subbuf_size_kb").flatMap { Int($0.filter(\.isNumber)) }.map { $0 * 1024 })
                ?? Int(sysconf(Int32(_SC_PAGESIZE)))
            let batch = EventBatch()
            elapsed = try trace(fs, instance, kmem, pipes, attribution, drain: { fd, buffer, until, shouldStop in
                Self.drainRaw(fd, buffer, pageSize: pageSize, decoder: decoder, into: batch, attribution, until: until, shouldStop: shouldStop)
            }, flush: { attribution.consume(&batch.events) }, shouldStop: shouldStop)
        } else {
            let fd = open(fs.root + "/" + instance + "/trace_pipe", O_RDONLY | O_NONBLOCK | O_CLOEXEC)
            guard fd >= 0 else {
                throw TraceFailure("cannot open \(fs.root)/\(instance)/trace_pipe: \(String(cString: strerror(errno)))")
            }
            pipes = [fd]
            elapsed = try trace(fs, instance, kmem, pipes, attribution, drain: { fd, buffer, until, shouldStop in
                Self.drainText(fd, buffer, into: attribution, until: until, shouldStop: shouldStop)
            }, flush: {}, shouldStop: shouldStop)
        }
        attribution.finish()
        if let saved = fs.read("saved_cmdlines") { attribution.nameUnnamed(savedCmdlines: saved) }
        let report = SlabAttributionReport(attribution, cache: cache, durationSeconds: elapsed)
        return Outcome(report: report, removedLeftovers: removed, byCallSite: filter.byCallSite)
    }

    typealias Drain = (_ fd: Int32, _ buffer: UnsafeMutableRawBufferPointer, _ until: Double, _ shouldStop: @escaping () -> Bool) -> Void

    /// Enables the kmem events, reads every pipe until the duration ends or
    /// `shouldStop`, then stops the instance and reads what is left.
    private func trace(_ fs: TraceFS, _ instance: String, _ kmem: String, _ pipes: [Int32], _ attribution: SlabAttribution,
                       drain: Drain, flush: () -> Void, shouldStop: () -> Bool) throws(TraceFailure) -> Double {
        try fs.write(kmem + "kmem_cache_free/enable", "1")
        try fs.write(kmem + "kmem_cache_alloc/enable", "1")
        let started = Self.monotonicSeconds()
        let deadline = started + durationSeconds
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        var pollers = pipes.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
        while !shouldStop() {
            let left = deadline - Self.monotonicSeconds()
            if left <= 0 { break }
            // tracefs wakes a poller only when buffer_percent of the buffer is
            // full (6.x): the timeout makes us read at least every 50 ms anyway.
            _ = poll(&pollers, nfds_t(pollers.count), Int32(min(50, max(1, left * 1000))))
            withoutActuallyEscaping(shouldStop) { stop in
                for fd in pipes { drain(fd, buffer, deadline, stop) }
            }
            flush()
        }
        let elapsed = Self.monotonicSeconds() - started
        // Stop the events, then read what is still buffered.
        try? fs.write(instance + "/tracing_on", "0")
        for fd in pipes { drain(fd, buffer, .infinity, { false }) }
        flush()
        return elapsed
    }

    /// Pages of one CPU, decoded and consumed in time order.
    /// Events of every CPU read in one round, consumed together in time order.
    final class EventBatch {
        var events: [(time: UInt64, event: TraceEvent)] = []
    }

    /// The pages one CPU has, decoded into `batch`.
    static func drainRaw(_ fd: Int32, _ buffer: UnsafeMutableRawBufferPointer, pageSize: Int, decoder: RawTraceDecoder,
                         into batch: EventBatch, _ attribution: SlabAttribution, until deadline: Double, shouldStop: () -> Bool) {
        let chunk = max(4096, min(pageSize, buffer.count))
        var reads = 0
        while true {
            reads += 1
            if reads % 64 == 0 && (shouldStop() || monotonicSeconds() >= deadline) { break }
            let count = read(fd, buffer.baseAddress, chunk)
            if count > 0 {
                attribution.noteLost(decoder.decode(page: UnsafeRawBufferPointer(rebasing: buffer[0..<count]), into: &batch.events))
            } else if count < 0 && errno == EINTR {
                continue
            } else {
                break
            }
        }
    }

    /// Reads until the pipe is empty, the deadline passes or `shouldStop`:
    /// under a flood of events the pipe may never be empty.
    static func drainText(_ pipe: Int32, _ buffer: UnsafeMutableRawBufferPointer, into attribution: SlabAttribution,
                          until deadline: Double, shouldStop: () -> Bool) {
        var reads = 0
        while true {
            reads += 1
            if reads % 16 == 0 && (shouldStop() || monotonicSeconds() >= deadline) { return }
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

    /// True when /proc/self/status `NSpid:` lists more than one pid (4.1+).
    static func inNestedPIDNamespace() -> Bool {
        let buffer = ReadBuffer()
        guard (try? ProcRoot().read("proc/self/status", into: buffer)) != nil else { return false }
        let status = buffer.withBytes { String(decoding: $0, as: UTF8.self) }
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("NSpid:") }) else { return false }
        return line.split(whereSeparator: { $0 == " " || $0 == "\t" }).count > 2
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
        return fs.removeLeftovers()
    }
}
