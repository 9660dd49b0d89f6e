import Diagnosis
import Foundation
import KernelFiles
import MemoryModel
import Rendering
import Testing
import TestSupport

/// The incident as the doctor prints it (text and JSON), against golden
/// files in Tests/Fixtures/golden/doctor. The input is the 2.6.32 fixture
/// plus the hand-built health-check curl, at a fixed time, so the output is
/// stable. MEMSLEUTH_RECORD_GOLDEN=1 rewrites the files and then fails, so a
/// recording run never passes silently.
@Suite struct DoctorGoldenTests {
    static let directory = Fixtures.directory + "/golden/doctor"

    static func incidentReport() throws -> DoctorReport {
        var snapshot = SnapshotCollector(root: ProcRoot(Fixtures.kernelPath("linux-2.6.32-rhel6"))).collect()
        snapshot.time = WallTime(seconds: 1_600_000_000, nanoseconds: 0, monotonic: 0)
        let curl = ProcessEvidence(
            pid: 48213, command: "curl", cmdline: "curl -s -o /dev/null https://127.0.0.1:8443/health",
            executable: "/usr/bin/curl", mappedLibraries: ["/usr/lib64/libnss3.so", "/usr/lib64/libsoftokn3.so"],
            environment: [:],
            ancestors: [.init(pid: 3021, cmdline: "/bin/bash /usr/local/bin/lb-healthcheck.sh"), .init(pid: 1, cmdline: "/sbin/init")])
        return Doctor.diagnose(DiagnosisInput(snapshot: snapshot, suspects: [curl]), knowledgeBase: try KnowledgeBase.embedded())
    }

    @Test(arguments: ["incident.txt", "incident.json"])
    func matchesGolden(_ name: String) throws {
        let report = try Self.incidentReport()
        let output = name.hasSuffix(".json") ? DoctorView.json(report).rendered() + "\n" : DoctorView.text(report, color: false)
        let path = Self.directory + "/" + name
        if ProcessInfo.processInfo.environment["MEMSLEUTH_RECORD_GOLDEN"] != nil {
            try FileManager.default.createDirectory(atPath: Self.directory, withIntermediateDirectories: true)
            try output.write(toFile: path, atomically: true, encoding: .utf8)
            Issue.record("recorded \(path); run again without MEMSLEUTH_RECORD_GOLDEN")
            return
        }
        let golden = try String(contentsOfFile: path, encoding: .utf8)
        #expect(output == golden)
    }
}

/// On this machine: a true verdict, and `check` agrees with it. (How fast:
/// scripts/bench and docs/PERFORMANCE.md, never a timed assertion here.)
@Suite struct DoctorLiveTests {
    @Test func liveDoctorAnswersAndCheckAgrees() {
        let result = runDoctor("/")
        #expect([0, 1, 2].contains(result.exitCode), "\(result.stderr)")
        #expect(result.stdout.hasPrefix("memsleuth doctor: "))
        let check = runCheck("/")
        #expect(check.stdout.hasPrefix("MEMSLEUTH "))
        #expect(check.exitCode == result.exitCode)
    }
}
