import Foundation
@testable import MemsleuthCLI
import Testing
import TestSupport

/// `memsleuth snapshot`: the document's shape, and that each section is
/// exactly what its own command prints with --json.
@Suite struct SnapshotCommandTests {
    static let keys = ["format", "time", "host", "meminfo", "free", "vmstat", "pressure", "slab", "dcache",
                       "buddy", "numa", "processes", "cgroups", "unavailable"]

    static func document(_ arguments: [String], environment: CommandEnvironment = CommandEnvironment()) throws -> [String: Any] {
        let result = Invocation.capture(["snapshot"] + arguments, environment: environment)
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(result.stderr.isEmpty)
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    }

    static func json(_ arguments: [String]) throws -> Any {
        let result = Invocation.capture(arguments)
        #expect(result.exitCode == 0, "\(arguments): \(result.stderr)")
        return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
    }

    static func same(_ a: Any?, _ b: Any?) -> Bool {
        guard let a = a as? NSObject, let b = b as? NSObject else { return false }
        return a.isEqual(b)
    }

    @Test(arguments: Fixtures.kernelNames)
    func everySectionOnEveryFixtureKernel(_ kernel: String) throws {
        let path = Fixtures.kernelPath(kernel)
        let result = Invocation.capture(["snapshot", "--root", path])
        let keyOrder = Self.keys.compactMap { result.stdout.range(of: "\n  \"\($0)\": ")?.lowerBound }
        #expect(keyOrder.count == Self.keys.count && keyOrder == keyOrder.sorted(), "top-level keys in order")
        let document = try Self.document(["--root", path])
        #expect(Set(document.keys) == Set(Self.keys))
        #expect(document["format"] as? String == "memsleuth-snapshot/1")
        #expect((document["time"] as? String)?.hasSuffix("Z") == true)
        let host = try #require(document["host"] as? [String: Any])
        #expect(host["page_size"] as? Int == 4096 && host["page_size_source"] as? String == "manifest")
        #expect(host["kernel"] as? String != nil)
        for section in ["meminfo", "free", "vmstat", "slab", "dcache", "buddy", "numa"] {
            #expect(document[section] is [String: Any], "\(kernel): \(section)")
        }
        let hasPSI = FileManager.default.fileExists(atPath: path + "/proc/pressure/memory")
        #expect((document["pressure"] is NSNull) == !hasPSI)
        let vmstat = try #require(document["vmstat"] as? [String: Any])
        #expect((vmstat["counters"] as? [String: Any])?["pgpgin"] != nil)
    }

    @Test(arguments: Fixtures.kernelNames)
    func sectionsAreTheCommandsOwnJSON(_ kernel: String) throws {
        let root = ["--root", Fixtures.kernelPath(kernel)]
        let document = try Self.document(root)
        for (section, command) in [("meminfo", "meminfo"), ("free", "free"), ("slab", "slabtop"),
                                   ("dcache", "dcache"), ("buddy", "buddy"), ("numa", "numa")] {
            let own = try Self.json([command, "--json"] + root)
            #expect(Self.same(document[section], own), "\(kernel): \(section) differs from \(command) --json")
        }
        var vmstat = try #require(document["vmstat"] as? [String: Any])
        vmstat["counters"] = nil
        let samples = try #require(try Self.json(["vmstat", "--json"] + root) as? [String: Any])
        #expect(Self.same(vmstat, (samples["samples"] as? [Any])?.first))
        #expect(Self.same(document["pressure"], vmstat["pressure"]))
    }

    @Test func theIncidentHostHasNoPressure() throws {
        let document = try Self.document(["--root", Fixtures.kernelPath("linux-2.6.32-rhel6")])
        #expect(document["pressure"] is NSNull)
        let unavailable = try #require(document["unavailable"] as? [[String: Any]])
        let psi = unavailable.first { $0["source"] as? String == "/proc/pressure/memory" }
        #expect(psi?["reason"] as? String == "no such file")
    }

    @Test func slabinfoDeniedMakesSlabNullAndSaysWhy() throws {
        let environment = CommandEnvironment(io: FaultyIO.failing(["/proc/slabinfo": .permissionDenied]))
        let document = try Self.document(["--root", Fixtures.kernelPath("linux-5.15-ubuntu22")], environment: environment)
        #expect(document["slab"] is NSNull)
        #expect(document["meminfo"] is [String: Any] && document["buddy"] is [String: Any])
        let unavailable = try #require(document["unavailable"] as? [[String: Any]])
        let slab = try #require(unavailable.first { $0["source"] as? String == "/proc/slabinfo" })
        #expect(slab["reason"] as? String == "permission denied")
        #expect((slab["remedy"] as? String)?.contains("root") == true)
    }

    @Test func jsonFlagIsAccepted() throws {
        let plain = Invocation.capture(["snapshot", "--root", Fixtures.kernelPath("linux-5.15-ubuntu22")])
        let json = Invocation.capture(["snapshot", "--json", "--root", Fixtures.kernelPath("linux-5.15-ubuntu22")])
        #expect(json.exitCode == 0)
        // Only the time may differ between two runs of a fixture.
        func withoutTime(_ text: String) -> [Substring] { text.split(separator: "\n").filter { !$0.contains("\"time\"") } }
        #expect(withoutTime(plain.stdout) == withoutTime(json.stdout))
    }

    @Test func nothingReadableIsOneLineAndExit1() throws {
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("memsleuth-snapshot-\(UUID())")
        try FileManager.default.createDirectory(at: empty.appendingPathComponent("proc"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: empty) }
        for root in [empty.path, empty.path + "/proc"] {
            let result = Invocation.capture(["snapshot", "--root", root])
            #expect(result.exitCode == 1)
            #expect(result.stdout.isEmpty)
            #expect(result.stderr.hasPrefix("memsleuth: ") && result.stderr.filter { $0 == "\n" }.count == 1, "\(result.stderr)")
        }
    }
}

/// The real host, as root (CI and this machine): everything readable.
@Suite struct SnapshotLiveTests {
    @Test func theLiveHostGivesEverySection() throws {
        let document = try SnapshotCommandTests.document([])
        let host = try #require(document["host"] as? [String: Any])
        #expect(host["page_size_source"] as? String == "sysconf")
        #expect(host["page_size"] as? Int == Int(sysconf(Int32(_SC_PAGESIZE))))
        for section in ["meminfo", "free", "vmstat", "pressure", "buddy", "numa", "dcache"] {
            #expect(document[section] is [String: Any], "\(section)")
        }
        if getuid() == 0 {
            let slab = try #require(document["slab"] as? [String: Any])
            #expect((slab["caches"] as? [Any])?.isEmpty == false)
        }
        // MemTotal does not move: the snapshot's equals the kernel's now.
        let meminfo = try String(contentsOfFile: "/proc/meminfo", encoding: .utf8)
        let kilobytes = meminfo.split(separator: "\n").first { $0.hasPrefix("MemTotal:") }?
            .split(separator: " ").dropFirst().first.flatMap { UInt64($0) }
        #expect((document["meminfo"] as? [String: Any])?["MemTotal"] as? UInt64 == kilobytes.map { $0 * 1024 })
    }

    @Test func theBuiltBinaryAnswersInOneDocument() throws {
        let result = try ExternalCommand.run(BuiltBinary.path, ["snapshot"])
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("{\n  \"format\": \"memsleuth-snapshot/1\","))
        #expect(result.stdout.hasSuffix("}\n"))
    }
}

@Suite struct SnapshotProcessPartsTests {
    @Test func listsTheTopProcessesWithTotalsOverAll() throws {
        let tree = Fixtures.directory + "/processes/linux-6.18-sandbox"
        let result = Invocation.capture(["snapshot", "--root", tree, "--top", "2"])
        #expect(result.exitCode == 0, "\(result.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let processes = try #require(document["processes"] as? [String: Any])
        let rows = try #require(processes["processes"] as? [[String: Any]])
        #expect(rows.count == 2)
        let totals = try #require(processes["totals"] as? [String: Any])
        #expect((totals["processes"] as? Int ?? 0) > 2, "totals cover every process, not only the rows listed")
        #expect(document.keys.contains("cgroups"))
    }

    @Test func systemOnlyLeavesProcessesAndCgroupsNull() throws {
        let result = Invocation.capture(["snapshot", "--root", Fixtures.kernelPath("linux-5.15-ubuntu22"), "--system-only"])
        #expect(result.exitCode == 0)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(document["processes"] is NSNull)
        #expect(document["cgroups"] is NSNull)
    }

    @Test func liveSnapshotHasProcessesAndCgroups() throws {
        let result = Invocation.capture(["snapshot"])
        let document = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let processes = try #require(document["processes"] as? [String: Any])
        #expect(((processes["processes"] as? [Any])?.count ?? 0) > 0)
        #expect(document["cgroups"] is [String: Any])
    }
}
