import Diagnosis
import Foundation
import KernelFiles
import MemoryModel
@testable import MemsleuthCLI
import Rendering
import Testing
import TestSupport

/// Runs a request the way the command would, capturing stdout/stderr.
/// (`Doctor` and `Check` are registered in Memsleuth.swift by the lead; until
/// then the requests are called directly.)
func runCaptured(environment: CommandEnvironment = CommandEnvironment(), _ body: (CommandContext) -> Int32)
    -> (stdout: String, stderr: String, exitCode: Int32) {
    let out = CapturedText()
    let err = CapturedText()
    let context = CommandContext(environment: environment, out: out.sink, err: err.sink, sleep: { _ in })
    let code = body(context)
    return (out.text, err.text, code)
}

func runDoctor(_ root: String, json: Bool = false, thresholds: DoctorThresholds = DoctorThresholds(),
               environment: CommandEnvironment = CommandEnvironment()) -> (stdout: String, stderr: String, exitCode: Int32) {
    runCaptured(environment: environment) { context in
        do throws(CommandFailure) {
            return try DoctorRequest(global: GlobalRequest(root: root, json: json), thresholds: thresholds).run(context)
        } catch {
            context.err.write("memsleuth: \(error.message)\n")
            return error.exitCode
        }
    }
}

func runCheck(_ root: String, thresholds: DoctorThresholds = DoctorThresholds()) -> (stdout: String, stderr: String, exitCode: Int32) {
    runCaptured { CheckRequest(global: GlobalRequest(root: root, json: false), thresholds: thresholds).run($0) }
}

@Suite struct DoctorCommandTests {
    static let incident = Fixtures.kernelPath("linux-2.6.32-rhel6")

    @Test func incidentTreeIsCritical() {
        let result = runDoctor(Self.incident)
        #expect(result.exitCode == 2)
        #expect(result.stdout.hasPrefix("memsleuth doctor: CRITICAL"))
        #expect(result.stdout.contains("CRITICAL  slab.dentry.dominant"))
        #expect(result.stderr == "")
    }

    @Test(arguments: Fixtures.kernelNames)
    func textLinesFitIn78Columns(_ kernel: String) {
        let text = runDoctor(Fixtures.kernelPath(kernel)).stdout
        for line in text.split(separator: "\n") where !line.contains("http") && !line.contains("$ ") {
            #expect(line.count <= 78 || line.hasPrefix("memsleuth doctor:"), "\(kernel): \(line)")
        }
    }

    @Test(arguments: Fixtures.kernelNames)
    func jsonHasEveryContractKey(_ kernel: String) throws {
        let result = runDoctor(Fixtures.kernelPath(kernel), json: true)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        for key in ["verdict", "exit_code", "host", "used", "account", "findings", "unavailable"] {
            #expect(object.keys.contains(key), "\(kernel): \(key)")
        }
        // The account: parts that add up to MemTotal exactly.
        let account = try #require(object["account"] as? [String: Any])
        let total = try #require(account["total_bytes"] as? UInt64)
        let parts = try #require(account["parts"] as? [[String: Any]])
        #expect(parts.compactMap { $0["bytes"] as? UInt64 }.reduce(0, +) == total, "\(kernel): parts sum to MemTotal")
        #expect(parts.last?["key"] as? String == "unaccounted")
        let used = try #require(object["used"] as? [String: Any])
        for key in ["procps_bytes", "with_reclaimable_slab_bytes", "total_bytes", "procps_percent", "with_reclaimable_slab_percent"] {
            #expect(used.keys.contains(key), "\(kernel): used.\(key)")
        }
        #expect((object["exit_code"] as? Int).map(Int32.init) == result.exitCode)
        for finding in object["findings"] as? [[String: Any]] ?? [] {
            for key in ["rule_id", "severity", "title", "evidence", "explanation", "remedies", "references"] {
                #expect(finding.keys.contains(key), "\(kernel): finding.\(key)")
            }
            for evidence in finding["evidence"] as? [[String: Any]] ?? [] {
                #expect(Set(evidence.keys) == ["name", "value", "unit", "source", "text"])
            }
            for remedy in finding["remedies"] as? [[String: Any]] ?? [] {
                #expect(Set(remedy.keys) == ["summary", "command", "cost", "permanent"])
            }
        }
    }

    @Test func unknownFiguresAreNullInJSON() throws {
        let result = runDoctor(Fixtures.kernelPath("linux-2.6.32-rhel6"), json: true)
        #expect(result.stdout.contains("\"procps_available_source\": \"MemFree\""))
        // No MemAvailable before 3.14: the check line has no available= perfdata, JSON has no invented figure.
        let modern = runDoctor(Fixtures.kernelPath("linux-5.15-ubuntu22"), json: true)
        #expect(modern.stdout.contains("\"legacy_available_estimate_bytes\": null"))
    }

    @Test func nothingReadableIsUnknown() throws {
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("memsleuth-doctor-\(getpid())-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: empty.appendingPathComponent("proc"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: empty) }
        let doctor = runDoctor(empty.path)
        #expect(doctor.exitCode == 3)
        #expect(doctor.stdout.hasPrefix("memsleuth doctor: UNKNOWN"))
        let check = runCheck(empty.path)
        #expect(check.exitCode == 3)
        #expect(check.stdout.hasPrefix("MEMSLEUTH UNKNOWN - "))
    }

    @Test func aRootThatIsNotLaidOutLikeSlashIsUnknownForCheck() {
        let check = runCheck("/nonexistent-memsleuth-root")
        #expect(check.exitCode == 3)
        #expect(check.stdout.hasPrefix("MEMSLEUTH UNKNOWN - "))
        let doctor = runDoctor("/nonexistent-memsleuth-root")
        #expect(doctor.exitCode == 1)
        #expect(doctor.stderr.hasPrefix("memsleuth: "))
    }

    @Test func colourOnlyWhenAllowed() {
        let plain = runDoctor(Self.incident)
        #expect(!plain.stdout.contains("\u{1B}["))
        let tty = runDoctor(Self.incident, environment: CommandEnvironment(isTerminal: true, noColor: false))
        #expect(tty.stdout.contains("\u{1B}[1;31mCRITICAL\u{1B}[0m"))
        let noColor = runDoctor(Self.incident, environment: CommandEnvironment(isTerminal: true, noColor: true))
        #expect(!noColor.stdout.contains("\u{1B}["))
    }

    @Test func thresholdsAreConfigurable() {
        // The quiet 5.15 host uses 16 %: --warn 10 --crit 15 makes memory.used CRITICAL.
        let result = runDoctor(Fixtures.kernelPath("linux-5.15-ubuntu22"), thresholds: DoctorThresholds(warnPercent: 10, critPercent: 15))
        #expect(result.exitCode == 2)
        #expect(result.stdout.contains("CRITICAL  memory.used"))
    }
}

@Suite struct CheckCommandTests {
    /// `MEMSLEUTH STATE - used N% (X of Y, reclaimable slab Z); K findings: ids | perfdata`
    @Test func incidentLine() throws {
        let result = runCheck(DoctorCommandTests.incident)
        #expect(result.exitCode == 2)
        let line = result.stdout
        #expect(line.hasSuffix("\n"))
        #expect(line.split(separator: "\n").count == 1)
        #expect(line.hasPrefix("MEMSLEUTH CRITICAL - used 80% (50.8GiB of 62.9GiB, reclaimable slab 36.7GiB); "))
        #expect(line.contains("findings: slab.reclaimable.runaway, slab.dentry.dominant"))
        let parts = line.dropLast().split(separator: "|", maxSplits: 1)
        #expect(parts.count == 2)
        let perfdata = parts.count == 2 ? parts[1].split(separator: " ").map(String.init) : []
        let total = 65_922_868 * 1024
        #expect(perfdata.contains("used=\((65_922_868 - 9_001_452 - (3_207_144 - 1044) - 412_336) * 1024)B;\(total * 80 / 100);\(total * 90 / 100);0;\(total)"))
        #expect(perfdata.contains("slab_reclaimable=\(38_506_072 * 1024)B;;;0;\(total)"))
        #expect(perfdata.contains("used_pct=80.86%;80;90;0;100"))
        #expect(!perfdata.contains { $0.hasPrefix("available=") }, "no MemAvailable on 2.6.32: no invented figure")
        // Every perfdata item: label=valueUOM;warn;crit;min;max
        for item in perfdata {
            let fields = item.split(separator: ";", omittingEmptySubsequences: false)
            #expect(fields.count == 5, "\(item)")
            #expect(fields.first?.contains("=") == true)
        }
    }

    @Test(arguments: [
        (80.0, 90.0, Int32(0), "MEMSLEUTH OK - used 16%"),
        (10.0, 90.0, Int32(1), "MEMSLEUTH WARNING - used 16%"),
        (10.0, 15.0, Int32(2), "MEMSLEUTH CRITICAL - used 16%"),
    ])
    func exitCodesFollowTheThresholds(_ warn: Double, _ crit: Double, _ code: Int32, _ prefix: String) {
        let result = runCheck(Fixtures.kernelPath("linux-5.15-ubuntu22"), thresholds: DoctorThresholds(warnPercent: warn, critPercent: crit))
        #expect(result.exitCode == code)
        #expect(result.stdout.hasPrefix(prefix), "\(result.stdout)")
    }

    @Test func infoIsOKForMonitoring() {
        let result = runCheck(Fixtures.kernelPath("linux-4.19-debian10"))  // page cache INFO only
        #expect(result.exitCode == 0)
        #expect(result.stdout.hasPrefix("MEMSLEUTH OK - "))
        #expect(result.stdout.contains("; 0 findings | "))
    }

    @Test func optionsMapToTheRequest() throws {
        let check = try Memsleuth.Check.parse(["--warn", "70", "--crit", "85", "--root", "/tmp"])
        #expect(check.request == CheckRequest(global: GlobalRequest(root: "/tmp", json: false),
                                              thresholds: DoctorThresholds(warnPercent: 70, critPercent: 85)))
        let doctor = try Memsleuth.Doctor.parse(["--json"])
        #expect(doctor.request == DoctorRequest(global: GlobalRequest(root: "/", json: true)))
        #expect(throws: (any Error).self) { try Memsleuth.Check.parse(["--warn", "95", "--crit", "90"]) }
        #expect(throws: (any Error).self) { try Memsleuth.Doctor.parse(["--crit", "120"]) }
    }
}
