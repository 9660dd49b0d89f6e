import MemsleuthCLI
import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif
import Diagnosis
import HistoryStore
import KernelFiles
import MemoryModel

extension HistoryTool {
    /// `memsleuth record`
    struct Record: MemsleuthCommand {
        static let configuration = CommandConfiguration(
            abstract: "Sample memory into the history store until stopped (SIGINT/SIGTERM).",
            discussion: """
                Stores raw values (only those that changed), the processes that matter (top N by RSS \
                and PSS, and any that grew) and the memory cgroups. Old samples are thinned out (per \
                minute after 24 h, per hour after 7 days) and deleted after --retention, automatically. \
                Durations: 500ms, 10s, 5m, 2h, 14d.
                """)

        @Option(name: .long, help: ArgumentHelp(
            "Read DIR/proc and DIR/sys instead of /proc and /sys.", valueName: "DIR"))
        var root: String = "/"

        @Option(name: .long, help: ArgumentHelp("Time between samples.", valueName: "DURATION"))
        var interval: String = "10s"

        @Option(name: .long, help: ArgumentHelp(
            "The store (default /var/lib/memsleuth/history.sqlite as root, $XDG_STATE_HOME/memsleuth/history.sqlite otherwise).",
            valueName: "PATH"))
        var db: String?

        @Option(name: .long, help: ArgumentHelp("Delete samples older than this.", valueName: "DURATION"))
        var retention: String = "14d"

        @Option(name: .long, help: ArgumentHelp("Processes kept per sample, by RSS and by PSS.", valueName: "N"))
        var top: Int = 20

        @Option(name: .long, help: ArgumentHelp("Stop after N samples (default: until stopped).", valueName: "N"))
        var count: Int?

        @Flag(name: .long, help: "No progress lines on stderr.")
        var quiet = false

        @Option(name: .customLong("trace-on-growth"), help: ArgumentHelp(
            "Root only: when a slab cache's growth is established (5 min of samples, at least 0.5 % of MemTotal per hour), "
                + "trace who allocates it this long, as `trace slab` does, and store that for `doctor --db`. "
                + "Samples wait meanwhile; each cache at most once an hour; the headline is logged on stderr (also with --quiet).",
            valueName: "DURATION"))
        var traceOnGrowth: DurationArgument?

        // Tests only: growth counts as established over this span instead of 5 min.
        @Option(name: .customLong("trace-min-span"), help: .private)
        var traceMinimumSpan: DurationArgument?

        func validate() throws {
            guard CommandDuration.nanoseconds(interval) != nil else {
                throw ValidationError("--interval wants a duration like 500ms, 10s, 5m, 2h or 14d, not \"\(interval)\"")
            }
            guard CommandDuration.nanoseconds(retention) != nil else {
                throw ValidationError("--retention wants a duration like 2h or 14d, not \"\(retention)\"")
            }
            guard top >= 0 else { throw ValidationError("--top must be 0 or more") }
            if let count { guard count > 0 else { throw ValidationError("--count must be 1 or more") } }
            if let db { guard !db.isEmpty else { throw ValidationError("--db needs a path") } }
            guard !root.isEmpty else { throw ValidationError("--root needs a directory") }
            if let traceOnGrowth { guard traceOnGrowth.seconds > 0 else { throw ValidationError("--trace-on-growth wants a duration above 0") } }
            if traceMinimumSpan != nil, traceOnGrowth == nil { throw ValidationError("--trace-min-span needs --trace-on-growth") }
        }

        var request: RecordRequest {
            RecordRequest(
                root: root, intervalNanoseconds: CommandDuration.nanoseconds(interval) ?? 10_000_000_000,
                db: db, retentionNanoseconds: CommandDuration.nanoseconds(retention) ?? 14 * 86_400_000_000_000,
                top: top, count: count, quiet: quiet, traceOnGrowthSeconds: traceOnGrowth?.seconds,
                traceMinimumSpanSeconds: traceMinimumSpan?.seconds)
        }

        func execute(_ context: CommandContext) throws(CommandFailure) -> Int32 {
            // A recorder must stop cleanly on SIGINT/SIGTERM (the sample in
            // flight finished, the store closed), whatever mask it inherited.
            context.catchInterrupts()
            return try request.run(context)
        }
    }
}

/// What `memsleuth record` was asked.
struct RecordRequest: Equatable {
    var root: String
    var intervalNanoseconds: Int64
    var db: String?
    var retentionNanoseconds: Int64
    var top: Int
    var count: Int?
    var quiet: Bool
    /// `--trace-on-growth`: trace a cache whose growth is established this long (root, live host).
    var traceOnGrowthSeconds: Double? = nil
    /// The span growth must cover to be established (`Trend.minimumSpanSeconds` unless a test says).
    var traceMinimumSpanSeconds: Double? = nil
    /// Downsampling and retention run every this many samples (and at start).
    var maintenanceEvery = 60
    /// A progress line every this many samples.
    var progressEvery = 60

    /// `tracer` replaces the tracing session (tests); `isRoot` the effective uid's say.
    func run(_ context: CommandContext, tracer: GrowthTracing.Tracer? = nil, isRoot: Bool = geteuid() == 0) throws(CommandFailure) -> Int32 {
        let procRoot = try GlobalRequest(root: root, json: false).procRoot(context.environment)
        let path: String
        if let db { path = db } else { path = try RecordRequest.defaultPath() }
        try RecordRequest.createDirectory(of: path)
        let store: HistoryDatabase
        do { store = try HistoryDatabase(path: path) } catch { throw CommandFailure(error.message) }
        try record(into: store, path: path, root: procRoot, context,
                   tracing: growthTracing(context, tracer: tracer, isRoot: isRoot))
        return 0
    }

    /// The sampling loop: until stopped, or `count` samples taken (written
    /// or dropped). A write that fails for a reason that may pass (a full
    /// disk) drops the sample and goes on (`SampleWriter`); any other stops.
    func record(into store: HistoryDatabase, path: String, root procRoot: ProcRoot, _ context: CommandContext,
                tracing: GrowthTracing? = nil) throws(CommandFailure) {
        let collector = SnapshotCollector(root: procRoot, includeProcesses: true, includeCgroups: true)
        var selection = ProcessSelection(top: top)
        var tracing = tracing
        var taken = 0
        var writer = SampleWriter(path: path)
        let interval = Double(intervalNanoseconds) / 1e9
        while !context.shouldStop() {
            let started = WallTime.now()
            if taken % maintenanceEvery == 0 {
                let now = started.nanosecondsSinceEpoch
                writer.maintain(context.err) { () throws -> Void in
                    try store.downsample(now: now)
                    try store.prune(before: now &- retentionNanoseconds)
                }
            }
            let snapshot = collector.collect()
            var rows = snapshot.processes.map { selection.pick($0) } ?? []
            if !rows.isEmpty {
                let sweeper = ProcessSweeper(root: procRoot, pageSize: snapshot.pageSizeBytes)
                _ = sweeper.readDetails(&rows)
            }
            if let sampleID = try writer.append(snapshot, processes: rows, to: store, context.err) {
                tracing?.after(snapshot, sampleID: sampleID, store: store, log: context.err.write)
            }
            taken += 1
            if !quiet, taken % progressEvery == 0 || taken == 1 {
                context.err.write("memsleuth: record: \(taken - writer.dropped) sample\(taken - writer.dropped == 1 ? "" : "s") in \(path)\(writer.dropped > 0 ? ", \(writer.dropped) dropped" : "")\n")
            }
            if let count, taken >= count { break }
            let elapsed = WallTime.now().monotonic - started.monotonic
            if context.shouldStop() { break }
            context.sleep(max(0, interval - elapsed))
        }
        if !quiet {
            let dropped = writer.dropped > 0 ? " (\(writer.dropped) dropped: the store could not be written)" : ""
            context.err.write("memsleuth: record: stopped after \(taken) sample\(taken == 1 ? "" : "s")\(dropped); \(path) closed\n")
        }
    }

    /// The tracing step, when asked and possible; otherwise one line on why
    /// not, and recording goes on without it.
    func growthTracing(_ context: CommandContext, tracer: GrowthTracing.Tracer?, isRoot: Bool) -> GrowthTracing? {
        guard let seconds = traceOnGrowthSeconds else { return nil }
        guard tracer != nil || root == "/" else {
            context.err.write("memsleuth: record: --trace-on-growth ignored: tracing watches the live kernel, not --root \(root)\n")
            return nil
        }
        guard isRoot else {
            context.err.write("memsleuth: record: --trace-on-growth ignored: tracing slab allocations needs root (the kernel's tracing files are root's); recording goes on\n")
            return nil
        }
        let watch = SlabGrowthWatch(minimumSpanSeconds: traceMinimumSpanSeconds ?? Trend.minimumSpanSeconds)
        return GrowthTracing(seconds: seconds, watch: watch, tracer: tracer ?? GrowthTracing.live(shouldStop: context.shouldStop))
    }

    /// history.sqlite in the state directory (`StateDirectory`, shared
    /// with `fix`'s action log).
    static func defaultPath() throws(CommandFailure) -> String {
        guard let directory = StateDirectory.current() else {
            throw CommandFailure("neither XDG_STATE_HOME nor HOME is set: give the store with --db PATH", exitCode: 64)
        }
        return StateDirectory.historyStore(in: directory)
    }

    /// mkdir -p of the store's directory.
    static func createDirectory(of path: String) throws(CommandFailure) {
        guard let slash = path.lastIndex(of: "/"), slash != path.startIndex else { return }
        if let failure = StateDirectory.create(String(path[..<slash])) {
            throw CommandFailure("cannot create \(failure.path): \(String(cString: strerror(failure.errno)).lowercased()) (give another --db PATH)")
        }
    }
}

/// Writes the recorder's samples and survives a store that cannot take
/// them for a while (a full disk, an I/O error, another writer's lock): the
/// sample is dropped and counted, the first failure of a run of them is
/// logged once, and the first write that succeeds again says how many were
/// lost. A failure that will not pass by itself (read-only file, corrupt
/// store, newer schema) stops the recorder as before.
struct SampleWriter {
    let path: String
    /// Samples dropped since the recorder started.
    private(set) var dropped = 0
    /// Dropped in the current run of failures (0: writing).
    private(set) var droppedInRun = 0
    private var maintenanceFailing = false

    init(path: String) { self.path = path }

    /// The stored sample's id; nil when the sample was dropped.
    @discardableResult
    mutating func append(
        _ snapshot: Snapshot, processes: [ProcessRow], to store: HistoryDatabase, _ err: OutputSink
    ) throws(CommandFailure) -> Int64? {
        let sampleID: Int64
        do {
            sampleID = try store.append(snapshot, processes: processes)
        } catch {
            guard HistoryDatabase.isTransient(error) else {
                throw CommandFailure("cannot write to \(path): \(HistoryDatabase.message(error))")
            }
            if droppedInRun == 0 {
                err.write("memsleuth: record: cannot write to \(path): \(HistoryDatabase.message(error)); "
                    + "dropping samples until it can (counted, logged again when writing resumes)\n")
            }
            dropped += 1
            droppedInRun += 1
            return nil
        }
        if droppedInRun > 0 {
            err.write("memsleuth: record: writing to \(path) again; \(droppedInRun) sample\(droppedInRun == 1 ? "" : "s") dropped\n")
            droppedInRun = 0
        }
        return sampleID
    }

    /// Downsampling and pruning: a failure is logged once until they succeed again.
    mutating func maintain(_ err: OutputSink, _ work: () throws -> Void) {
        do {
            try work()
            maintenanceFailing = false
        } catch {
            if !maintenanceFailing {
                err.write("memsleuth: record: maintenance of \(path) failed: \(HistoryDatabase.message(error))\n")
            }
            maintenanceFailing = true
        }
    }
}
