import Foundation
import HistoryStore
import Testing
import TestSupport

/// The doctor's attribution on this machine's real kernel, as root: a
/// rehearsed negative-dentry storm (`reproduce dentry-leak --keep`) large
/// enough for the live host's `slab.dentry.negative` finding, then
/// - `doctor --trace 5s` while the storm runs names the prober and its
///   script in that finding's evidence;
/// - `record --trace-on-growth 5s` recording beside the storm traces the
///   dentry cache once its growth is established (over 20 s here, through
///   the test-only `--trace-min-span`, instead of 5 min) and stores it, and
///   `doctor --db` (live and `--at`) shows it beside the finding.
/// Tracing is left as found (`TraceLiveTests.tracingState`); the storm's
/// directory is removed at the end, which frees its negative dentries.
/// Assertions are about the prober's own group (by command and parent),
/// never host-wide totals: other sessions make and drop dentries too.
@Suite(.serialized, .enabled(if: getuid() == 0, "tracing needs root"))
struct TraceGrowthLiveTests {
    /// Probes each prober makes; the storm starts one a second.
    static let probes = 250_000

    /// `nr_negative` the live host needs for `slab.dentry.negative`: 5 % of
    /// MemTotal in negative dentries (`DentryRules.negative`), plus 10 %.
    static func negativeDentriesForAFinding() throws -> UInt64 {
        let meminfo = try String(contentsOfFile: "/proc/meminfo", encoding: .utf8)
        let memTotalKiB = meminfo.split(separator: "\n").first { $0.hasPrefix("MemTotal:") }
            .flatMap { $0.split(whereSeparator: \.isWhitespace).dropFirst().first }.flatMap { UInt64($0) } ?? 0
        let slabinfo = try String(contentsOfFile: "/proc/slabinfo", encoding: .utf8)
        let objectSize = slabinfo.split(separator: "\n").first { $0.hasPrefix("dentry ") }
            .map { $0.split(whereSeparator: \.isWhitespace) }.flatMap { $0.count > 3 ? UInt64($0[3]) : nil } ?? 192
        #expect(memTotalKiB > 0)
        return memTotalKiB * 1024 / 20 / objectSize * 11 / 10
    }

    static func negativeDentries() -> UInt64 {
        let state = (try? String(contentsOfFile: "/proc/sys/fs/dentry-state", encoding: .utf8)) ?? ""
        let fields = state.split(whereSeparator: \.isWhitespace)
        return fields.count > 4 ? UInt64(fields[4]) ?? 0 : 0
    }

    /// A rehearsal running in the background, keeping its dentries.
    final class Storm {
        let process: Foundation.Process
        let parent: String
        var halted = false
        var stopped = false

        init(process: Foundation.Process, parent: String) {
            self.process = process
            self.parent = parent
        }

        var directory: String { parent + "/memsleuth-dentry-leak-\(process.processIdentifier)" }
        var script: String { directory + "/healthcheck.sh" }

        static func start(duration: String = "150s") throws -> Storm {
            let parent = "/tmp/memsleuth-storm-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
            let process = Foundation.Process()
            process.executableURL = URL(fileURLWithPath: BuiltBinary.path)
            process.arguments = ["reproduce", "dentry-leak", "--rate", "1/s", "--probes", String(TraceGrowthLiveTests.probes),
                                 "--duration", duration, "--keep", "--json", "--dir", parent]
            // Not a pipe: the probers inherit it, and would hold it open.
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            return Storm(process: process, parent: parent)
        }

        /// Waits (at most `seconds`) until the host has `target` negative dentries.
        func grow(to target: UInt64, within seconds: Int = 240) -> Bool {
            for _ in 0..<(seconds * 2) {
                if TraceGrowthLiveTests.negativeDentries() >= target { return true }
                if !process.isRunning { return TraceGrowthLiveTests.negativeDentries() >= target }
                usleep(500_000)
            }
            return false
        }

        /// Ends the storm, keeping its dentries: the rehearsal is told to stop
        /// (SIGTERM, its own way out), and the script and the probers still
        /// running are ended (on a loaded host probers pile up and starve
        /// everything else); each is found by its command line, which names
        /// this storm's directory.
        func halt() {
            guard !halted else { return }
            halted = true
            if process.isRunning { kill(process.processIdentifier, SIGTERM) }
            for _ in 0..<5 {
                let probers = probers()
                if probers.isEmpty { break }
                for pid in probers { kill(pid, SIGKILL) }
                usleep(200_000)
            }
            TraceLiveTests.finish(process)
        }

        /// `halt`, then removes the directory, which frees its negative dentries.
        func stop() {
            guard !stopped else { return }
            stopped = true
            halt()
            try? FileManager.default.removeItem(atPath: parent)
        }

        /// The pids whose command line names this storm's directory.
        func probers() -> [pid_t] {
            let mark = Array(directory.utf8)
            let pids = ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap { pid_t($0) }
            return pids.filter { pid in
                guard pid != getpid(), let cmdline = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
                let bytes = [UInt8](cmdline)
                guard bytes.count >= mark.count else { return false }
                return (0...(bytes.count - mark.count)).contains { bytes[$0..<($0 + mark.count)].elementsEqual(mark) }
            }
        }
    }

    /// The evidence texts named "attribution" of the first slab.dentry.* finding of a doctor's JSON.
    static func dentryAttribution(_ json: String) throws -> (rule: String, texts: [String]) {
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let findings = try #require(document["findings"] as? [[String: Any]])
        let dentry = try #require(findings.first { ($0["rule_id"] as? String ?? "").hasPrefix("slab.dentry.") },
                                  "a dentry finding: \(findings.map { $0["rule_id"] ?? "?" })")
        let evidence = dentry["evidence"] as? [[String: Any]] ?? []
        return (dentry["rule_id"] as? String ?? "", evidence.filter { $0["name"] as? String == "attribution" }.compactMap { $0["text"] as? String })
    }

    @Test func doctorTraceNamesTheProberAndItsScript() throws {
        let target = try Self.negativeDentriesForAFinding()
        let before = try TraceLiveTests.tracingState()
        let storm = try Storm.start()
        defer { storm.stop() }
        #expect(storm.grow(to: target), "the storm reaches \(target) negative dentries (now \(Self.negativeDentries()))")
        // The storm goes on while the doctor traces.
        let doctor = try ExternalCommand.run(BuiltBinary.path, ["doctor", "--trace", "5s", "--json", "--no-history"])
        #expect([1, 2].contains(doctor.exitCode), "\(doctor.stderr)")
        #expect(!doctor.stderr.contains("--trace skipped"), "\(doctor.stderr)")
        let (rule, texts) = try Self.dentryAttribution(doctor.stdout)
        let headline = try #require(texts.first, "\(rule) has the attribution")
        #expect(headline.contains("of new dentry objects come from `nss-probe`"), "\(headline)")
        #expect(headline.contains("started by \(storm.script)"), "\(headline)")
        storm.stop()
        #expect(!FileManager.default.fileExists(atPath: storm.directory), "cleaned up")
        #expect(try TraceLiveTests.tracingState() == before)
    }

    @Test func recordTracesTheGrowingCacheAndTheDoctorShowsIt() throws {
        let target = try Self.negativeDentriesForAFinding()
        let before = try TraceLiveTests.tracingState()
        let directory = "/tmp/memsleuth-rectrace-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let db = directory + "/history.sqlite"
        let logPath = directory + "/record.log"
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = try #require(FileHandle(forWritingAtPath: logPath))
        let record = Foundation.Process()
        record.executableURL = URL(fileURLWithPath: BuiltBinary.path)
        record.arguments = ["record", "--db", db, "--interval", "5s", "--trace-on-growth", "5s", "--trace-min-span", "20s"]
        record.standardOutput = FileHandle.nullDevice
        record.standardError = log
        try record.run()
        defer { if record.isRunning { kill(record.processIdentifier, SIGTERM); record.waitUntilExit() } }
        sleep(6)  // a sample or two before the storm

        let storm = try Storm.start()
        defer { storm.stop() }
        // Until the recorder has stored an attribution of dentry and a sample
        // taken once the storm is big enough for the finding.
        var stored: [StoredAttribution] = []
        var reached: Int64?
        for _ in 0..<480 {
            if reached == nil, Self.negativeDentries() >= target {
                reached = Int64(Date().timeIntervalSince1970 * 1e9)
            }
            if let store = try? HistoryDatabase(path: db) {
                stored = (try? store.attributions().filter { $0.cache == "dentry" }) ?? []
                let last = (try? store.samples().last?.timeNanoseconds) ?? nil
                if !stored.isEmpty, let reached, let last, last > reached { break }
            }
            if !record.isRunning { break }
            usleep(500_000)
        }
        storm.halt()
        kill(record.processIdentifier, SIGTERM)
        record.waitUntilExit()
        try log.close()
        let journal = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        #expect(record.terminationStatus == 0, "\(journal)")
        #expect(reached != nil, "the storm reaches \(target) negative dentries")
        let attribution = try #require(stored.first, "an attribution of dentry was stored; the journal: \(journal)")

        // The journal says it (the headline names the top group; a busy host may have another on top).
        #expect(journal.contains("memsleuth: record: slab cache dentry grows "), "\(journal)")
        #expect(journal.contains("memsleuth: record: dentry: "), "\(journal)")
        // The stored report names the prober and its script, by command.
        let report = try #require(try JSONSerialization.jsonObject(with: Data(attribution.report.utf8)) as? [String: Any])
        let groups = report["groups"] as? [[String: Any]] ?? []
        let prober = try #require(groups.first { $0["command"] as? String == "nss-probe" }, "\(groups.prefix(3))")
        #expect(prober["parent"] as? String == storm.script)
        #expect(attribution.headline?.contains("`nss-probe`") == true, "\(attribution.headline ?? "nil")")

        // The doctor over the store, live (the dentries are still there) and --at the last sample.
        let live = try ExternalCommand.run(BuiltBinary.path, ["doctor", "--db", db, "--json"])
        #expect([1, 2].contains(live.exitCode), "\(live.stderr)")
        let (liveRule, liveTexts) = try Self.dentryAttribution(live.stdout)
        #expect(liveTexts.contains { $0.contains("`nss-probe`") && $0.contains("started by \(storm.script)") }, "\(liveRule): \(liveTexts)")
        let at = try ExternalCommand.run(BuiltBinary.path, ["doctor", "--db", db, "--at", "-1s", "--json"])
        #expect([1, 2].contains(at.exitCode), "\(at.stderr)")
        let (atRule, atTexts) = try Self.dentryAttribution(at.stdout)
        #expect(atTexts.contains { $0.contains("`nss-probe`") && $0.contains("started by \(storm.script)") }, "\(atRule): \(atTexts)")

        storm.stop()
        #expect(!FileManager.default.fileExists(atPath: storm.directory), "cleaned up")
        #expect(try TraceLiveTests.tracingState() == before)
    }
}
