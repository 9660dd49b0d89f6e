import Diagnosis
import Foundation
import KernelFiles
@testable import MemsleuthCLI
import SlabTrace
import Testing
import TestSupport

/// `trace`, `reproduce` and `doctor --trace` without the live kernel: argument
/// handling, per-cgroup slab on captured cgroup trees, and the doctor's evidence
/// from a trace outcome made from a captured trace.
@Suite struct TraceCommandTests {
    static func outcome() -> SlabTraceSession.Outcome {
        let buffer = ReadBuffer()
        _ = try? ProcRoot(Fixtures.directory + "/trace").read("linux-5.15-dentry.trace", into: buffer)
        let facts = ProcessFacts(
            commandLine: { $0 == 2211 ? ["/bin/sh", "/opt/lb/healthcheck.sh"] : nil },
            cgroup: { $0 == 2211 ? "/system.slice/lb-health.service" : nil },
            parentPID: { $0 == 2211 ? 1 : nil }, comm: { _ in "systemd" })
        let attribution = SlabAttribution(cacheName: "dentry", facts: facts)
        buffer.withBytes { attribution.feed($0) }
        attribution.finish()
        return SlabTraceSession.Outcome(
            report: SlabAttributionReport(attribution, cache: "dentry", durationSeconds: 1),
            removedLeftovers: [], byCallSite: false)
    }

    @Test func durationsAndRates() {
        #expect(DurationArgument(argument: "10s")?.seconds == 10)
        #expect(DurationArgument(argument: "500ms")?.seconds == 0.5)
        #expect(DurationArgument(argument: "2m")?.seconds == 120)
        #expect(DurationArgument(argument: "1.5")?.seconds == 1.5)
        for bad in ["", "s", "-1s", "0", "10x", "1e9s"] { #expect(DurationArgument(argument: bad) == nil, "\(bad)") }
        #expect(RateArgument(argument: "5/s")?.perSecond == 5)
        #expect(RateArgument(argument: "0.5")?.perSecond == 0.5)
        #expect(RateArgument(argument: "0/s") == nil)
    }

    @Test func usageErrors() {
        #expect(Invocation.capture(["trace"]).exitCode == 64)
        #expect(Invocation.capture(["trace", "slab", "--top", "0"]).exitCode == 64)
        #expect(Invocation.capture(["trace", "slab", "--cache", "a\"b"]).exitCode == 64)
        #expect(Invocation.capture(["trace", "slab", "--duration", "soon"]).exitCode == 64)
        #expect(Invocation.capture(["reproduce", "dentry-leak", "--probes", "0"]).exitCode == 64)
        let onBundle = Invocation.capture(["trace", "slab", "--root", Fixtures.kernelPath("linux-6.18-sandbox")])
        #expect(onBundle.exitCode == 64)
        #expect(onBundle.stderr.contains("--by-cgroup"))
    }

    @Test func byCgroupOnV2() throws {
        let root = Fixtures.directory + "/cgroups/linux-5.15-ubuntu22-v2"
        let result = Invocation.capture(["trace", "slab", "--by-cgroup", "--json", "--root", root])
        #expect(result.exitCode == 0, "\(result.stderr)")
        let document = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        let cgroups = try #require(document?["cgroups"] as? [[String: Any]])
        #expect(!cgroups.isEmpty)
        for key in ["cgroup", "version", "slab_bytes", "slab_reclaimable_bytes", "slab_unreclaimable_bytes", "cache_objects", "cache_bytes"] {
            #expect(cgroups[0].keys.contains(key), "\(key)")
        }
        let sizes = cgroups.compactMap { $0["slab_bytes"] as? UInt64 }
        #expect(sizes == sizes.sorted(by: >), "largest first")
        let text = Invocation.capture(["trace", "slab", "--by-cgroup", "--root", root])
        #expect(text.stdout.hasPrefix("CGROUP"))
    }

    @Test func byCgroupOnV1NamesTheCachesObjects() throws {
        let root = Fixtures.directory + "/cgroups/linux-3.10-rhel7-v1"
        let result = Invocation.capture(["trace", "slab", "--by-cgroup", "--json", "--root", root])
        #expect(result.exitCode == 0, "\(result.stderr)")
        let document = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        let cgroups = try #require(document?["cgroups"] as? [[String: Any]])
        #expect(cgroups.contains { $0["cache_objects"] is UInt64 }, "v1 memory.kmem.slabinfo names the dentry objects per cgroup")
    }

    @Test func doctorEvidenceNamesCommandScriptAndCgroup() {
        let evidence = DoctorTrace.evidence(Self.outcome())
        let headline = evidence.first { $0.name == "attribution" }?.text
        #expect(headline == "100 % of new dentry objects come from `curl` (pid 2300) started by /opt/lb/healthcheck.sh (pid 2211), in cgroup /system.slice/lb-health.service")
        #expect(evidence.contains { $0.unit == .percent && $0.value == 100 })
        #expect(evidence.contains { $0.name == "trace events lost" && $0.value == 12 })
    }

    @Test func doctorTraceOnTheIncidentAddsEvidenceToTheDentryFinding() {
        let root = Fixtures.directory + "/incidents/dentry-leak-rhel6"
        let global = GlobalRequest(root: root, json: false)
        var report: DoctorReport?
        let skipped = runCaptured { context in
            do throws(CommandFailure) {
                report = try DoctorRequest.diagnose(global: global, thresholds: DoctorThresholds(), context: context)
            } catch { return 1 }
            guard var diagnosed = report else { return 1 }
            // A bundle is not the live kernel: skipped, and said so.
            DoctorTrace.attach(to: &diagnosed, seconds: 1, global: global, context: context)
            let live = GlobalRequest(root: "/", json: false)
            DoctorTrace.attach(to: &diagnosed, seconds: 1, global: live, context: context, isRoot: false)
            DoctorTrace.attach(to: &diagnosed, seconds: 1, global: live, context: context, isRoot: true,
                               root: ProcRoot(root)) { cache, _ in
                #expect(cache == "dentry")
                return Self.outcome()
            }
            report = diagnosed
            return 0
        }
        #expect(skipped.stderr.contains("--trace skipped: tracing watches the live kernel"))
        #expect(skipped.stderr.contains("--trace skipped: tracing slab allocations needs root"))
        let finding = report?.findings.first { $0.ruleID.hasPrefix("slab.dentry") }
        #expect(finding?.evidence.contains { $0.name == "attribution" } == true, "\(report?.findings.map(\.ruleID) ?? [])")
    }
}
