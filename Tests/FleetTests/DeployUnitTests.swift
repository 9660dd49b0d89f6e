import Foundation
import Testing
import TestSupport

/// deploy/memsleuth-serve.service: systemd accepts it, its exposure score
/// stays low, and the two capabilities it keeps are the ones reading other
/// processes' memory needs.
struct DeployUnitTests {
    static let analyze = "/usr/bin/systemd-analyze"
    static var hasAnalyze: Bool { FileManager.default.isExecutableFile(atPath: analyze) }

    /// The unit with ExecStart pointing at a binary that exists here
    /// (verify checks the executable), in a temp dir.
    func installedCopy() throws -> (directory: String, unit: String) {
        let text = try String(contentsOfFile: DeployFiles.serveUnit, encoding: .utf8)
        #expect(text.contains("ExecStart=/usr/local/bin/memsleuth-serve serve"))
        let directory = try makeTemporaryDirectory("memsleuth-unit")
        let unit = directory + "/memsleuth-serve.service"
        try text.replacingOccurrences(of: "/usr/local/bin/memsleuth-serve", with: "/bin/true")
            .write(toFile: unit, atomically: true, encoding: .utf8)
        return (directory, unit)
    }

    @Test(.enabled(if: hasAnalyze, "needs systemd-analyze (Debian package systemd)"))
    func systemdVerifiesTheUnit() throws {
        let (directory, unit) = try installedCopy()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let run = try ExternalCommand.run(Self.analyze, ["verify", unit])
        #expect(run.exitCode == 0, "\(run.stdout)\(run.stderr)")
        #expect(!run.stderr.contains("Unknown key"), "\(run.stderr)")
    }

    /// systemd's own hardening score: 10 is an unconfined root service;
    /// this unit must stay "OK" (under 3). Reading others' memory needs
    /// CAP_SYS_PTRACE and uid 0, and serving needs AF_INET: those are most
    /// of what is left.
    @Test(.enabled(if: hasAnalyze, "needs systemd-analyze"))
    func exposureScoreStaysLow() throws {
        let (directory, unit) = try installedCopy()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let run = try ExternalCommand.run(Self.analyze, ["security", "--offline=yes", "--no-pager", unit])
        let line = try #require(run.stdout.split(separator: "\n").first { $0.contains("Overall exposure level") }, "\(run.stdout)\(run.stderr)")
        let score = try #require(line.split(separator: ":").last?.split(separator: " ").first.flatMap { Double($0) })
        #expect(score < 3.0, "\(line)")
    }

    func unitCapabilities() throws -> [String] {
        let text = try String(contentsOfFile: DeployFiles.serveUnit, encoding: .utf8)
        let line = try #require(text.split(separator: "\n").first { $0.hasPrefix("CapabilityBoundingSet=") })
        return line.dropFirst("CapabilityBoundingSet=".count).split(separator: " ").map(String.init)
    }

    @Test func keepsExactlyTheTwoReadCapabilities() throws {
        #expect(try unitCapabilities() == ["CAP_SYS_PTRACE", "CAP_DAC_READ_SEARCH"])
        let text = try String(contentsOfFile: DeployFiles.serveUnit, encoding: .utf8)
        for setting in ["NoNewPrivileges=yes", "ProtectSystem=strict", "ProtectHome=yes", "PrivateTmp=yes",
                        "ProtectKernelTunables=yes", "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX"] {
            #expect(text.contains("\n\(setting)\n"), "\(setting)")
        }
    }

    /// As uid 0 with only the unit's bounding set (setpriv does what systemd
    /// does), another user's smaps_rollup and environ are readable, and
    /// slabinfo; with no capabilities, the first two are not. Proves each
    /// capability is needed and enough.
    @Test(.enabled(if: getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv"),
                   "needs root and setpriv"))
    func theUnitsCapabilitiesReadWhatServeReads() throws {
        let sleeper = try RunningProcess("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", "/bin/sleep", "60"],
                                         logPath: NSTemporaryDirectory() + "memsleuth-unit-sleeper.log")
        defer { sleeper.stop(grace: 1) }  // sleep inherits a blocked SIGTERM: killed after 1 s
        Thread.sleep(forTimeInterval: 0.3)  // let setpriv exec sleep, so the pid is nobody's
        let pid = sleeper.pid
        func readable(_ path: String, caps: String) throws -> Bool {
            try ExternalCommand.run("/usr/bin/setpriv", ["--bounding-set=\(caps)", "--", "/bin/sh", "-c",
                                                         "head -c 1 \(path) >/dev/null"]).exitCode == 0
        }
        let unit = "-all," + (try unitCapabilities()).map { "+" + $0.dropFirst(4).lowercased() }.joined(separator: ",")
        #expect(try readable("/proc/\(pid)/smaps_rollup", caps: unit))
        #expect(try readable("/proc/\(pid)/environ", caps: unit))
        #expect(try readable("/proc/slabinfo", caps: unit))
        #expect(try !readable("/proc/\(pid)/smaps_rollup", caps: "-all"), "CAP_SYS_PTRACE is what makes it readable")
        #expect(try !readable("/proc/\(pid)/environ", caps: "-all,+sys_ptrace"), "CAP_DAC_READ_SEARCH is what makes it readable")
    }
}
