import HistoryStore
import MemoryModel
import MemsleuthCLI
import Rendering
import SlabTrace

/// `record --trace-on-growth DURATION`, after each stored sample: when a slab
/// cache's growth is established (`SlabGrowthWatch`), trace it for DURATION
/// with the session `trace slab` uses, log the headline on stderr, and
/// store the attribution with the sample, for `doctor --db` to show beside
/// the finding about that cache. One cache per sample (the fastest
/// growing); the next sample waits for the trace.
struct GrowthTracing {
    typealias Tracer = (_ cache: String, _ seconds: Double) throws(CommandFailure) -> SlabTraceSession.Outcome

    var seconds: Double
    var watch: SlabGrowthWatch
    var tracer: Tracer
    /// The wall clock, for when a trace ended.
    var clock: () -> WallTime = WallTime.now
    /// Groups kept in the stored report (as `trace slab --top 10`).
    static let storedGroups = 10

    /// The session `trace slab` runs, on the live kernel.
    static func live(shouldStop: @escaping () -> Bool) -> Tracer {
        return { cache, seconds throws(CommandFailure) in
            try SlabTraceSession.traceLive(cache: cache, seconds: seconds, shouldStop: shouldStop)
        }
    }

    /// Watches `snapshot` (stored as `sampleID`); traces and stores when a
    /// cache's growth is established. Returns the cache traced, if any.
    @discardableResult
    mutating func after(_ snapshot: Snapshot, sampleID: Int64, store: HistoryDatabase, log: (String) -> Void) -> String? {
        watch.observe(snapshot)
        let now = snapshot.time.monotonic
        guard let growth = watch.due(now: now, memTotal: snapshot.meminfo?.memTotal).first else { return nil }
        watch.traced(growth.cache, at: now)
        let rate = ByteFormatter.human(UInt64(max(0, growth.bytesPerHour.rounded())))
        let span = growth.spanSeconds >= 120 ? "\(Int((growth.spanSeconds / 60).rounded())) min" : "\(Int(growth.spanSeconds.rounded())) s"
        log("memsleuth: record: slab cache \(growth.cache) grows \(rate)/h (over \(span), \(growth.samples) samples): "
            + "tracing who allocates it for \(Self.seconds(seconds)); samples wait\n")
        let outcome: SlabTraceSession.Outcome
        do { outcome = try tracer(growth.cache, seconds) } catch {
            log("memsleuth: record: tracing \(growth.cache) failed: \(error.message) (next try in an hour)\n")
            return nil
        }
        let report = outcome.report
        let headline = report.headline
        log("memsleuth: record: \(growth.cache): " + (headline ?? "no process kept \(growth.cache) objects during the trace") + "\n")
        let ended = clock()
        do {
            try store.appendAttribution(
                sampleID: sampleID, cache: growth.cache, tracedNanoseconds: ended.nanosecondsSinceEpoch,
                durationMilliseconds: Int64((report.durationSeconds * 1000).rounded()), headline: headline,
                report: TraceView.json(outcome, top: Self.storedGroups).rendered())
        } catch {
            log("memsleuth: record: cannot store the attribution of \(growth.cache): \(error)\n")
        }
        return growth.cache
    }

    static func seconds(_ value: Double) -> String {
        value == value.rounded() ? "\(Int(value)) s" : CFormat.oneDecimal(value) + " s"
    }
}
