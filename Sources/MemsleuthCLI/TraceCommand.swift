import ArgumentParser
import KernelFiles
import MemoryModel
import Rendering
import SlabTrace

extension Memsleuth {
    /// `memsleuth trace`: who allocates kernel objects, through tracefs.
    struct Trace: MemsleuthCommand {
        static let configuration = CommandConfiguration(
            abstract: "Which processes (and the scripts that start them) allocate a slab cache's objects.",
            discussion: """
                Uses the kernel's tracing events in a tracing instance of its own \
                (instances/memsleuth-PID), so no global tracing setting is touched; the instance is \
                removed on exit, on error and on SIGINT/SIGTERM. `trace --cleanup` removes instances \
                left by runs that were killed (every run also does it first). Needs root.
                """,
            subcommands: [TraceSlab.self])

        @Flag(name: .long, help: "Remove tracing instances left by killed memsleuth runs, and exit.")
        var cleanup = false

        func execute(_ context: CommandContext) throws(CommandFailure) -> Int32 {
            guard cleanup else {
                throw CommandFailure("trace needs what to trace: `memsleuth trace slab --cache dentry`, or `memsleuth trace --cleanup`", exitCode: 64)
            }
            let removed: [String]
            do { removed = try SlabTraceSession.cleanup() } catch { throw CommandFailure(error.message) }
            context.out.write(removed.isEmpty ? "no leftover memsleuth trace instances\n"
                              : "removed \(removed.joined(separator: ", "))\n")
            return 0
        }
    }

    /// `memsleuth trace slab`
    struct TraceSlab: MemsleuthCommand {
        static let configuration = CommandConfiguration(
            commandName: "slab",
            abstract: "Per process, parent script and cgroup: objects of a slab cache allocated, freed and kept.",
            discussion: """
                Traces kmem:kmem_cache_alloc/kmem_cache_free (filtered to the cache) and \
                sched:sched_process_fork/exec/exit, so even a process that lives 5 ms is named with \
                the script that started it. KEPT = allocated during the trace and not freed before \
                its end (matched by object pointer); SHARE = KEPT / all kept. With --by-cgroup, no \
                tracing: slab per memory cgroup from memory.stat (v2) or memory.kmem.slabinfo (v1).
                """)

        @OptionGroup var global: GlobalOptions

        @Option(name: .long, help: "The slab cache, as /proc/slabinfo names it.")
        var cache = "dentry"

        @Option(name: .long, help: ArgumentHelp("How long to trace (500ms, 10s, 2m).", valueName: "DURATION"))
        var duration = DurationArgument(seconds: 30)

        @Option(name: .long, help: "Show at most N groups.")
        var top = 10

        @Flag(name: .customLong("by-cgroup"), help: "Slab per memory cgroup, from the cgroup files (no tracing, no root needed).")
        var byCgroup = false

        func validate() throws {
            guard top > 0 else { throw ValidationError("--top must be at least 1") }
            guard !cache.isEmpty, !cache.contains("\""), !cache.contains("/") else {
                throw ValidationError("--cache wants a slab cache name as /proc/slabinfo prints it, e.g. dentry")
            }
        }

        var request: TraceSlabRequest {
            TraceSlabRequest(global: global.request, cache: cache, durationSeconds: duration.seconds, top: top, byCgroup: byCgroup)
        }

        func execute(_ context: CommandContext) throws(CommandFailure) -> Int32 { try request.run(context) }
    }
}

/// What `memsleuth trace slab` was asked.
struct TraceSlabRequest: Equatable {
    var global: GlobalRequest
    var cache = "dentry"
    var durationSeconds = 30.0
    var top = 10
    var byCgroup = false

    func run(_ context: CommandContext) throws(CommandFailure) -> Int32 {
        if byCgroup {
            let root = try global.procRoot(context.environment)
            let tree = CgroupTree.read(root: root)
            if global.json {
                context.out.write(TraceView.cgroupJSON(tree, cache: cache).rendered() + "\n")
            } else {
                context.out.write(TraceView.cgroupText(tree, cache: cache))
                context.err.write(CgroupView.unavailableNotes(tree))
            }
            return 0
        }
        guard global.bundle == nil, global.root == "/" else {
            throw CommandFailure("tracing watches the live kernel: --root and --bundle work with --by-cgroup only", exitCode: 64)
        }
        context.catchInterrupts()
        let outcome = try Self.trace(cache: cache, seconds: durationSeconds, context: context)
        if global.json {
            context.out.write(TraceView.json(outcome, top: top).rendered() + "\n")
        } else {
            context.out.write(TraceView.text(outcome, top: top))
        }
        return 0
    }

    /// Runs the trace on the live host; shared with `doctor --trace`.
    static func trace(cache: String, seconds: Double, context: CommandContext) throws(CommandFailure) -> SlabTraceSession.Outcome {
        try SlabTraceSession.traceLive(cache: cache, seconds: seconds, shouldStop: context.shouldStop)
    }
}

extension SlabTraceSession {
    /// Traces `cache` on the live host for `seconds` (until `shouldStop`),
    /// failures told as one line: what `trace slab`, `doctor --trace` and
    /// `record --trace-on-growth` run.
    public static func traceLive(cache: String, seconds: Double, shouldStop: () -> Bool) throws(CommandFailure) -> Outcome {
        let session = SlabTraceSession(cache: cache, durationSeconds: seconds, facts: .live(ProcRoot()))
        do { return try session.run(shouldStop: shouldStop) } catch { throw CommandFailure(error.message) }
    }
}
