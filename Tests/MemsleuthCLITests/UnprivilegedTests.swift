import Foundation
import Testing
import TestSupport

/// The built binary run as an unprivileged user (`nobody`, uid and gid 65534), for real: the
/// tool must still answer and say what it could not read and why. Needs
/// root to switch users; CI runs as root.
@Suite(.enabled(if: getuid() == 0, "switching to nobody needs root"))
struct UnprivilegedTests {
    @Test func meminfoWorksWithoutRoot() throws {
        let result = try ExternalCommand.run(BuiltBinary.path, ["meminfo", "--json"], asUser: "65534")
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(result.stdout.contains("\"MemTotal\""))
    }

    @Test func slabtopSaysSlabDataNeedsRoot() throws {
        let result = try ExternalCommand.run(BuiltBinary.path, ["slabtop", "--once"], asUser: "65534")
        #expect(result.exitCode == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr == "memsleuth: cannot read /proc/slabinfo: permission denied (slab data needs root; run with sudo or grant CAP_SYS_ADMIN)\n")
    }

    @Test func snapshotListsWhatItCouldNotRead() throws {
        let result = try ExternalCommand.run(BuiltBinary.path, ["snapshot"], asUser: "65534")
        #expect(result.exitCode == 0, "\(result.stderr)")
        let document = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        let unavailable = try #require(document?["unavailable"] as? [[String: Any]])
        let slab = unavailable.first { $0["source"] as? String == "/proc/slabinfo" }
        #expect(slab?["reason"] as? String == "permission denied")
        #expect((slab?["remedy"] as? String)?.contains("root") == true)
        #expect(document?["meminfo"] is [String: Any])
    }

    @Test func usageErrorsExit64() throws {
        let result = try ExternalCommand.run(BuiltBinary.path, ["free", "--no-such-flag"], asUser: "65534")
        #expect(result.exitCode == 64)
    }

    /// Every system-wide view answers without root, exit 0.
    @Test(arguments: [["free"], ["vmstat"], ["vmstat", "-s"], ["dcache"], ["numa"], ["buddy"], ["meminfo"],
                      ["cgroups"], ["free", "--json"], ["buddy", "--json"], ["numa", "--json"]])
    func viewsAnswerWithoutRoot(_ arguments: [String]) throws {
        let result = try ExternalCommand.run(BuiltBinary.path, arguments, asUser: "65534")
        #expect(result.exitCode == 0, "\(arguments): \(result.stderr)")
        #expect(!result.stdout.isEmpty)
    }

    /// pagetypeinfo is root-only since 5.6: buddy still answers and says so.
    @Test func buddySaysWhatItCouldNotRead() throws {
        let result = try ExternalCommand.run(BuiltBinary.path, ["buddy"], asUser: "65534")
        #expect(result.exitCode == 0)
        #expect(result.stdout.contains("/proc/pagetypeinfo: permission denied"))
    }

    /// Other users' processes: counted and explained, own processes shown.
    @Test func psShowsOwnProcessesAndCountsTheRest() throws {
        let result = try ExternalCommand.run(BuiltBinary.path, ["ps"], asUser: "65534")
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(result.stdout.contains("nobody"))
        #expect(result.stdout.contains("unreadable:"))
        #expect(result.stdout.contains("other users' processes need root"))
    }

    static func nobody(_ arguments: [String]) throws -> ExternalCommand {
        // cwd and HOME where nobody may not write: what a service account sees.
        try ExternalCommand.run(BuiltBinary.path, arguments, asUser: "65534",
                                environment: ["PATH": "/usr/bin:/bin", "HOME": "/nonexistent"])
    }

    /// The doctor answers (monitoring-plugin code) and lists what it could not read.
    @Test func doctorAndCheckSayWhatTheyCouldNotSee() throws {
        let doctor = try Self.nobody(["doctor"])
        #expect((0...3).contains(doctor.exitCode), "\(doctor.stderr)")
        #expect(doctor.stdout.contains("Could not read:"))
        #expect(doctor.stdout.contains("/proc/slabinfo: permission denied (slab data needs root"))
        let check = try Self.nobody(["check"])
        #expect((0...3).contains(check.exitCode), "\(check.stderr)")
        #expect(check.stdout.hasPrefix("MEMSLEUTH "))
        let json = try Self.nobody(["doctor", "--json"])
        #expect(json.stdout.contains("\"unavailable\""))
    }

    /// Another user's process (pid 1, root's): one line naming the file and what to do; exit 1.
    @Test(arguments: [(["smaps", "1"], "/proc/1/smaps"), (["layout", "1"], "/proc/1/maps"),
                      (["pagemap", "1", "0x1000"], "/proc/1/pagemap")])
    func anotherUsersProcessIsRefusedWithTheReason(_ arguments: [String], _ file: String) throws {
        let result = try Self.nobody(arguments)
        #expect(result.exitCode == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr == "memsleuth: cannot read \(file): permission denied (another user's process: run as root or as the process's owner)\n")
    }

    @Test func captureSkipsWhatItCannotReadAndRefusesAnUnwritableOutput() throws {
        let output = NSTemporaryDirectory() + "memsleuth-nobody-\(UUID().uuidString).tar.gz"
        defer { try? FileManager.default.removeItem(atPath: output) }
        let capture = try Self.nobody(["capture", "-o", output])
        #expect(capture.exitCode == 0, "\(capture.stderr)")
        #expect(capture.stderr.contains("skipped"))
        let refused = try Self.nobody(["capture", "-o", "/root/memsleuth-bundle.tar.gz"])
        #expect(refused.exitCode == 1)
        #expect(refused.stderr == "memsleuth: cannot write /root/memsleuth-bundle.tar.gz: /root: permission denied (choose a directory you can write, or run as its owner)\n")
    }

    /// fix lists remedies without root; every --apply refuses before touching anything.
    @Test(arguments: [["fix", "drop-caches", "--apply"], ["fix", "cache-pressure", "200", "--apply"],
                      ["fix", "negative-dentries", "--apply"]])
    func mutatingActionsRefuseCleanly(_ arguments: [String]) throws {
        #expect(try Self.nobody(["fix"]).exitCode == 0)
        let result = try Self.nobody(arguments)
        #expect(result.exitCode == 1, "\(arguments): \(result.stdout)\(result.stderr)")
        #expect(result.stderr.hasPrefix("memsleuth: ") && result.stderr.contains("root"), "\(arguments): \(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(arguments): \(result.stderr)")
    }

    @Test func recordIntoVarLibRefusesCleanly() throws {
        let result = try Self.nobody(["record", "--count", "1", "--db", "/var/lib/memsleuth-unprivileged-test/history.sqlite"])
        #expect(result.exitCode == 1)
        #expect(result.stderr == "memsleuth: cannot create /var/lib/memsleuth-unprivileged-test: permission denied (give another --db PATH)\n")
        let noHome = try Self.nobody(["record", "--count", "1"])
        #expect(noHome.exitCode == 1, "\(noHome.stderr)")
        #expect(noHome.stderr.hasPrefix("memsleuth: cannot create /nonexistent"), "\(noHome.stderr)")
    }

    /// root's store (mode 0600): history, diff and doctor --db say why they cannot open it.
    @Test func anotherUsersStoreIsRefusedWithTheReason() throws {
        let directory = NSTemporaryDirectory() + "memsleuth-store-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o755])
        let path = directory + "/history.sqlite"
        let record = try ExternalCommand.run(BuiltBinary.path, ["record", "--count", "1", "--quiet", "--db", path,
                                                                  "--root", Fixtures.kernelPath("linux-5.15-ubuntu22")])
        #expect(record.exitCode == 0, "\(record.stderr)")
        chmod(path, 0o600)
        for arguments in [["history", "--db", path, "--series", "meminfo.MemFree"], ["diff", "--db", path, "now", "now"],
                          ["doctor", "--db", path]] {
            let result = try Self.nobody(arguments)
            #expect(result.exitCode == (arguments[0] == "doctor" ? 3 : 1) || result.exitCode == 1, "\(arguments): \(result.stderr)")
            #expect(result.stderr == "memsleuth: cannot open \(path): permission denied (the store must be readable and writable by this user — WAL readers write too; run as its owner or root, or give another --db)\n",
                    "\(arguments)")
        }
    }

    @Test func serveOnAPrivilegedPortSaysWhy() throws {
        let result = try Self.nobody(["serve", "--listen", "127.0.0.1:80"])
        #expect(result.exitCode == 1)
        #expect(result.stderr == "memsleuth serve: cannot listen on 127.0.0.1:80: permission denied (ports below 1024 need root or CAP_NET_BIND_SERVICE; use --listen with a port from 1024)\n")
    }
}
