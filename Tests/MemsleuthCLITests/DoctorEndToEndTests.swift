import Foundation
import Testing
import TestSupport

/// The real binary, run as a user would, on the incident and page-cache
/// trees: golden text and JSON, and the monitoring-plugin exit codes.
/// `MEMSLEUTH_RECORD_GOLDEN=1` re-records the goldens and then fails, so a
/// recording run never passes silently.
@Suite struct DoctorEndToEndTests {
    static let goldens = Fixtures.directory + "/golden/doctor-e2e"
    static let incident = Fixtures.directory + "/incidents/dentry-leak-rhel6"
    static let pageCache = Fixtures.directory + "/incidents/page-cache-heavy"

    /// The collection time is the only figure that changes between runs.
    static func normalised(_ text: String) -> String {
        var lines: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.trimmingCharacters(in: .whitespaces).hasPrefix("\"time\":") {
                lines.append(String(line.prefix(while: { $0 == " " })) + "\"time\": \"<time>\",")
            } else {
                lines.append(String(line))
            }
        }
        return lines.joined(separator: "\n")
    }

    func check(_ output: String, against name: String) throws {
        let path = Self.goldens + "/" + name
        if ProcessInfo.processInfo.environment["MEMSLEUTH_RECORD_GOLDEN"] != nil {
            try FileManager.default.createDirectory(atPath: Self.goldens, withIntermediateDirectories: true)
            try Self.normalised(output).write(toFile: path, atomically: true, encoding: .utf8)
            Issue.record("recorded \(path); run again without MEMSLEUTH_RECORD_GOLDEN")
            return
        }
        #expect(Self.normalised(output) == (try String(contentsOfFile: path, encoding: .utf8)), "\(name)")
    }

    @Test func incidentIsCriticalWithTheDentryAndNSSFindings() throws {
        let text = try ExternalCommand.run(BuiltBinary.path, ["doctor", "--root", Self.incident],
                                           environment: ["NO_COLOR": "1", "PATH": "/usr/bin:/bin"])
        #expect(text.exitCode == 2, "CRITICAL exits 2: \(text.stderr)")
        #expect(text.stdout.contains("slab.dentry.dominant"))
        #expect(text.stdout.contains("nss.sdb-probe"))
        #expect(text.stdout.contains("export NSS_SDB_USE_CACHE=yes"))
        #expect(text.stdout.contains("/usr/local/bin/lb-healthcheck.sh"), "the calling script is named")
        #expect(text.stdout.contains("echo 2 > /proc/sys/vm/drop_caches"))
        try check(text.stdout, against: "incident.txt")

        let json = try ExternalCommand.run(BuiltBinary.path, ["doctor", "--root", Self.incident, "--json"])
        #expect(json.exitCode == 2)
        try check(json.stdout, against: "incident.json")
    }

    @Test func plainMemsleuthIsTheDoctor() throws {
        let doctor = try ExternalCommand.run(BuiltBinary.path, ["doctor", "--root", Self.incident, "--json"])
        let plain = try ExternalCommand.run(BuiltBinary.path, ["--root", Self.incident, "--json"])
        #expect(plain.exitCode == doctor.exitCode)
        #expect(Self.normalised(plain.stdout) == Self.normalised(doctor.stdout))
    }

    @Test func aHostFullOfPageCacheNeverAlarms() throws {
        let result = try ExternalCommand.run(BuiltBinary.path, ["doctor", "--root", Self.pageCache, "--json"])
        #expect(result.exitCode == 0, "page cache must never be WARNING: \(result.stdout.prefix(400))")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let findings = document["findings"] as? [[String: Any]] ?? []
        #expect(findings.allSatisfy { ["OK", "INFO"].contains($0["severity"] as? String) })
        #expect(findings.contains { $0["rule_id"] as? String == "pagecache.healthy" })
    }

    @Test func checkLineForTheIncident() throws {
        let result = try ExternalCommand.run(BuiltBinary.path, ["check", "--root", Self.incident])
        #expect(result.exitCode == 2)
        #expect(result.stdout.hasPrefix("MEMSLEUTH CRITICAL - "))
        #expect(result.stdout.contains(" | used="))
        #expect(result.stdout.split(separator: "\n").count == 1)
    }
}

/// A bundle of several samples is history for the doctor.
@Suite(.enabled(if: getuid() == 0, "capturing the live host reads root-only files"))
struct DoctorBundleHistoryTests {
    @Test func judgesEverySampleOfABundle() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("memsleuth-doctor-history-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let capture = try ExternalCommand.run(BuiltBinary.path, ["capture", "-o", directory, "--samples", "3", "--interval", "0.2", "--force"])
        #expect(capture.exitCode == 0, "\(capture.stderr)")
        let result = try ExternalCommand.run(BuiltBinary.path, ["doctor", "--bundle", directory, "--json"])
        let document = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(document["samples"] as? Int == 3)
        #expect([0, 1, 2].contains(result.exitCode), "\(result.stderr)")
    }
}
