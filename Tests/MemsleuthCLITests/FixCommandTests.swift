import Foundation
import KernelFiles
import MemoryModel
@testable import MemsleuthCLI
import Remedies
import SystemPackage
import Testing
import TestSupport

/// A write seam that performs nothing and remembers every path it was asked
/// to touch (how the tests prove fix writes only its documented files).
final class RecordedWrites: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [String] = []
    var paths: [String] { lock.withLock { entries } }

    func seam(failing errno: Errno? = nil) -> SystemWrites {
        SystemWrites(
            write: { (path: String, _: [UInt8], _: SystemWrites.Mode) throws(Errno) in
                self.lock.withLock { self.entries.append(path) }
                if let errno { throw errno }
            },
            rename: { (_: String, to: String) throws(Errno) in self.lock.withLock { self.entries.append(to) } },
            setAttributes: { (_: String, _: UInt32, _: UInt32, _: UInt32) throws(Errno) in },
            remove: { _ in },
            sync: {})
    }
}

func temporaryDirectory(_ label: String) throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("\(label)-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

func capture(_ body: (CommandContext) throws -> Int32) -> (stdout: String, stderr: String, exitCode: Int32) {
    runCaptured { context in
        do { return try body(context) } catch let error as CommandFailure {
            context.err.write("memsleuth: \(error.message)\n")
            return error.exitCode
        } catch {
            context.err.write("memsleuth: unexpected \(error)\n")
            return 99
        }
    }
}

/// True when this process may bind-mount (root with CAP_SYS_ADMIN; a CI
/// container without it runs the in-process no-write test only).
let canBindMount: Bool = {
    guard getuid() == 0, let directory = try? temporaryDirectory("fix-mount-probe") else { return false }
    defer { try? FileManager.default.removeItem(atPath: directory) }
    guard (try? ExternalCommand.run("mount", ["--bind", directory, directory]).exitCode) == 0 else { return false }
    _ = try? ExternalCommand.run("umount", [directory])
    return true
}()

@Suite struct FixCommandTests {
    static let incident = Fixtures.kernelPath("linux-2.6.32-rhel6")
    static let live = GlobalRequest(root: "/", json: false)

    static func environment(_ writes: SystemWrites, log: String, euid: UInt32 = 0) -> FixEnvironment {
        FixEnvironment(euid: euid, writes: writes, logDirectory: log)
    }

    // MARK: the list

    @Test func listOnTheIncidentNamesDropCachesWithBytesAndCost() {
        let result = Invocation.capture(["fix", "--root", Self.incident])
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(result.stdout.contains("1. memsleuth fix drop-caches --level 2"))
        #expect(result.stdout.contains("Effect: 37.4 GiB"))  // 37.0 GiB of dentries, inodes pinned by them
        #expect(result.stdout.contains("Cost: a CPU burst"))
        for line in result.stdout.split(separator: "\n") { #expect(line.count <= 78, "\(line)") }
    }

    @Test func listJSONHasItsKeys() throws {
        let result = Invocation.capture(["fix", "--root", Self.incident, "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let remedies = try #require(object["remedies"] as? [[String: Any]])
        #expect(!remedies.isEmpty)
        for remedy in remedies {
            #expect(Set(remedy.keys) == ["action", "command", "summary", "expected_bytes", "effect", "cost", "permanent", "rule_ids"])
        }
        #expect((remedies.first?["expected_bytes"] as? UInt64 ?? 0) > 30 << 30)
    }

    // MARK: dry runs write nothing

    /// Every dry run, in-process, through a seam that records writes: none.
    @Test func dryRunsWriteNothing() throws {
        let log = try temporaryDirectory("fix-log")
        defer { try? FileManager.default.removeItem(atPath: log) }
        let recorded = RecordedWrites()
        let environment = Self.environment(recorded.seam(), log: log)
        let global = GlobalRequest(root: Self.incident, json: false)
        for level in 1...3 {
            let result = capture { try DropCachesRequest(global: global, level: level, apply: false, force: false,
                                                         environment: environment).run($0) }
            #expect(result.exitCode == 0)
            #expect(result.stdout.contains("Nothing was changed"))
        }
        for (setting, action) in [(SysctlSetting.vfsCachePressure, "cache-pressure"), (.dentryNegative, "negative-dentries")] {
            let result = capture { try SysctlRequest(global: Self.live, setting: setting, action: action, value: 1, apply: false,
                                                     persist: true, environment: environment, tradeOff: "t", absent: "a").run($0) }
            #expect(result.exitCode == 0, "\(result.stderr)")
        }
        let script = Fixtures.directory + "/scripts/health-sh-pipeline.sh"
        let nss = capture { try NSSEnvRequest(global: Self.live, script: script, apply: false, environment: environment).run($0) }
        #expect(nss.stdout.hasPrefix("--- \(script)\n+++ \(script)\n@@ -1,6 +1,8 @@\n"))
        #expect(recorded.paths.isEmpty, "\(recorded.paths)")
        #expect(!FileManager.default.fileExists(atPath: log + "/actions.jsonl"))
    }

    /// The real binary's dry runs against a read-only copy of a fixture tree
    /// (a read-only bind mount as root; a write would fail with EROFS and
    /// the command with it) leave the tree as it was.
    @Test(.enabled(if: canBindMount, "a read-only bind mount needs root with CAP_SYS_ADMIN"))
    func dryRunsOnAReadOnlyTree() throws {
        let work = try temporaryDirectory("fix-ro")
        defer { try? FileManager.default.removeItem(atPath: work) }
        let tree = work + "/tree"
        _ = try ExternalCommand.run("cp", ["-a", Fixtures.kernelPath("linux-2.6.32-rhel6"), tree])
        _ = try ExternalCommand.run("cp", ["-a", Fixtures.directory + "/scripts", tree + "/scripts"])
        try FileManager.default.createDirectory(atPath: tree + "/log", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: tree + "/etc/sysctl.d", withIntermediateDirectories: true)
        let bind = try ExternalCommand.run("mount", ["--bind", tree, tree])
        try #require(bind.exitCode == 0, "mount --bind: \(bind.stderr)")
        defer { _ = try? ExternalCommand.run("umount", [tree]) }
        let remount = try ExternalCommand.run("mount", ["-o", "remount,ro,bind", tree])
        try #require(remount.exitCode == 0, "remount ro: \(remount.stderr)")
        // Proof the copy is read-only.
        #expect(!FileManager.default.createFile(atPath: tree + "/probe", contents: Data()))
        let digest = "find . -type f -exec sha256sum {} + | sort"
        let before = try ExternalCommand.run("sh", ["-c", "cd '\(tree)' && \(digest)"]).stdout
        let runs: [[String]] = [
            ["fix", "--root", tree, "--log-dir", tree + "/log"],
            ["fix", "drop-caches", "--root", tree, "--level", "1", "--log-dir", tree + "/log"],
            ["fix", "drop-caches", "--root", tree, "--log-dir", tree + "/log"],
            ["fix", "drop-caches", "--root", tree, "--level", "3", "--json", "--log-dir", tree + "/log"],
            ["fix", "cache-pressure", "200", "--persist", "--root", tree, "--log-dir", tree + "/log",
             "--sysctl-dir", tree + "/etc/sysctl.d"],
            ["fix", "negative-dentries", "--persist", "--root", tree, "--log-dir", tree + "/log",
             "--sysctl-dir", tree + "/etc/sysctl.d"],
            ["fix", "nss-env", "--script", tree + "/scripts/health-bash-function.sh", "--log-dir", tree + "/log"],
            ["fix", "--log", "--log-dir", tree + "/log"],
        ]
        for arguments in runs {
            let result = try ExternalCommand.run(BuiltBinary.path, arguments)
            #expect(result.exitCode == 0, "\(arguments): \(result.stderr)")
        }
        let after = try ExternalCommand.run("sh", ["-c", "cd '\(tree)' && \(digest)"]).stdout
        #expect(before == after)
        #expect(!before.isEmpty)
    }

    /// --log-dir after an action reaches the action, not the parent `fix`
    /// (whose own --log-dir is the same option group).
    @Test func logDirectoryReachesEveryAction() throws {
        let arguments: [[String]] = [
            ["fix", "drop-caches", "--log-dir", "/x"], ["fix", "cache-pressure", "200", "--log-dir", "/x"],
            ["fix", "negative-dentries", "--log-dir", "/x"], ["fix", "nss-env", "--script", "s", "--log-dir", "/x"],
            ["fix", "--log", "--log-dir", "/x"],
        ]
        for argv in arguments {
            let command = try Memsleuth.parseAsRoot(argv)
            let directory: String?
            switch command {
            case let action as Memsleuth.Fix.DropCachesAction: directory = action.request.environment.logDirectory
            case let action as Memsleuth.Fix.CachePressureAction: directory = action.request.environment.logDirectory
            case let action as Memsleuth.Fix.NegativeDentriesAction: directory = action.request.environment.logDirectory
            case let action as Memsleuth.Fix.NSSEnvAction: directory = action.request.environment.logDirectory
            case let fix as Memsleuth.Fix: directory = fix.request.environment.logDirectory
            default: directory = nil
            }
            #expect(directory == "/x", "\(argv)")
        }
    }

    // MARK: guards

    @Test func applyRefusesBundlesAndOtherRoots() {
        let other = Invocation.capture(["fix", "drop-caches", "--apply", "--root", Self.incident])
        #expect(other.exitCode == 64)
        #expect(other.stderr.contains("cannot apply to --root"))
        let bundle = Invocation.capture(["fix", "cache-pressure", "200", "--apply", "--bundle", "/nonexistent.tar.gz"])
        #expect(bundle.exitCode == 64)
        #expect(bundle.stderr.contains("cannot apply to a --bundle"))
        let script = Invocation.capture(["fix", "nss-env", "--script", "/x", "--apply", "--root", Self.incident])
        #expect(script.exitCode == 64)
    }

    @Test func applyNeedsRoot() throws {
        let log = try temporaryDirectory("fix-log")
        defer { try? FileManager.default.removeItem(atPath: log) }
        let recorded = RecordedWrites()
        let result = capture { try DropCachesRequest(global: Self.live, level: 2, apply: true, force: false,
                                                     environment: Self.environment(recorded.seam(), log: log, euid: 1000)).run($0) }
        #expect(result.exitCode == 1)
        #expect(result.stderr == "memsleuth: --apply needs root (run it with sudo; a dry run without --apply needs none)\n")
        #expect(recorded.paths.isEmpty)
    }

    /// EROFS (a container's read-only /proc/sys) and EACCES/EPERM: one
    /// line each, saying what to do; nothing logged.
    @Test(arguments: [(Errno.readOnlyFileSystem, "read-only file system (/proc/sys is mounted read-only, as in most containers"),
                      (Errno.permissionDenied, "permission denied (needs root"),
                      (Errno.notPermitted, "operation not permitted (needs root")])
    func writeFailuresAreOneLine(_ errno: Errno, _ text: String) throws {
        let log = try temporaryDirectory("fix-log")
        defer { try? FileManager.default.removeItem(atPath: log) }
        let recorded = RecordedWrites()
        let environment = Self.environment(recorded.seam(failing: errno), log: log)
        let drop = capture { try DropCachesRequest(global: Self.live, level: 2, apply: true, force: false,
                                                   environment: environment).run($0) }
        #expect(drop.exitCode == 1)
        #expect(drop.stderr.hasPrefix("memsleuth: cannot write /proc/sys/vm/drop_caches: \(text)"), "\(drop.stderr)")
        #expect(drop.stderr.split(separator: "\n").count == 1)
        let pressure = capture { try SysctlRequest(global: Self.live, setting: .vfsCachePressure, action: "cache-pressure",
                                                   value: 100, apply: true, persist: false, environment: environment,
                                                   tradeOff: "", absent: "").run($0) }
        #expect(pressure.exitCode == 1)
        #expect(pressure.stderr.hasPrefix("memsleuth: cannot write /proc/sys/vm/vfs_cache_pressure: \(text)"))
        #expect(!FileManager.default.fileExists(atPath: log + "/actions.jsonl"))
    }

    /// Applied (through the recording seam), each action touches only its
    /// documented files: the sysctl, the sysctl.d file (via a temporary
    /// beside it), the action log.
    @Test func applyWritesOnlyDocumentedFiles() throws {
        let log = try temporaryDirectory("fix-log")
        let sysctlDirectory = try temporaryDirectory("fix-sysctl")
        defer {
            try? FileManager.default.removeItem(atPath: log)
            try? FileManager.default.removeItem(atPath: sysctlDirectory)
        }
        let recorded = RecordedWrites()
        var environment = Self.environment(recorded.seam(), log: log)
        environment.sysctlDirectory = sysctlDirectory
        let drop = capture { try DropCachesRequest(global: Self.live, level: 2, apply: true, force: true,
                                                   environment: environment).run($0) }
        #expect(drop.exitCode == 0, "\(drop.stderr)")
        #expect(recorded.paths == ["/proc/sys/vm/drop_caches", log + "/actions.jsonl"])
        let pressure = capture { try SysctlRequest(global: Self.live, setting: .vfsCachePressure, action: "cache-pressure",
                                                   value: 100, apply: true, persist: true, environment: environment,
                                                   tradeOff: "", absent: "").run($0) }
        #expect(pressure.exitCode == 0, "\(pressure.stderr)")
        let conf = sysctlDirectory + "/90-memsleuth.conf"
        let documented: Set<String> = ["/proc/sys/vm/drop_caches", "/proc/sys/vm/vfs_cache_pressure", conf,
                                       conf + ".memsleuth-tmp-\(getpid())", log + "/actions.jsonl"]
        #expect(Set(recorded.paths).isSubset(of: documented), "\(recorded.paths)")
        #expect(recorded.paths.contains(conf))
    }

    /// The rate limit reads the log: a drop logged a minute ago refuses the next.
    @Test func repeatedDropIsRefusedFromTheLog() throws {
        let log = try temporaryDirectory("fix-log")
        defer { try? FileManager.default.removeItem(atPath: log) }
        let recent = ActionRecord(time: WallTime(seconds: WallTime.now().seconds - 60, nanoseconds: 0, monotonic: 0).rfc3339,
                                  user: "root", action: "drop-caches", arguments: ["--level", "2"], before: [], after: [])
        try ActionLog(directory: log).append(recent, writes: .system)
        let recorded = RecordedWrites()
        let result = capture { try DropCachesRequest(global: Self.live, level: 2, apply: true, force: false,
                                                     environment: Self.environment(recorded.seam(), log: log)).run($0) }
        #expect(result.exitCode == 1)
        #expect(result.stderr.contains("caches were dropped 6"))
        #expect(recorded.paths.isEmpty)
    }

    @Test func negativeDentriesSaysWhenTheKernelLacksIt() {
        let result = Invocation.capture(["fix", "negative-dentries", "--root", Fixtures.kernelPath("linux-2.6.32-rhel6")])
        #expect(result.exitCode == 0)
        #expect(result.stdout.hasPrefix("fs.dentry-negative does not exist on this kernel (Linux 2.6.32"))
    }

    @Test func cachePressureDryRunShowsThePersistFile() {
        let result = Invocation.capture(["fix", "cache-pressure", "200", "--persist", "--root", Self.incident])
        #expect(result.exitCode == 0)
        #expect(result.stdout.contains("  now:      100"))
        #expect(result.stdout.contains("--persist would write /etc/sysctl.d/90-memsleuth.conf:\n"))
        #expect(result.stdout.contains("  | vm.vfs_cache_pressure = 200\n"))
        #expect(Invocation.capture(["fix", "cache-pressure", "0"]).exitCode == 64)
        #expect(Invocation.capture(["fix", "drop-caches", "--level", "4"]).exitCode == 64)
    }

    // MARK: nss-env applied

    @Test func nssEnvApplyKeepsABackupModeAndOwner() throws {
        let work = try temporaryDirectory("fix-nss")
        defer { try? FileManager.default.removeItem(atPath: work) }
        let script = work + "/health.sh"
        let original = try Data(contentsOf: URL(fileURLWithPath: Fixtures.directory + "/scripts/health-sh-pipeline.sh"))
        try original.write(to: URL(fileURLWithPath: script))
        chmod(script, 0o750)
        let owner: uid_t = getuid() == 0 ? 65534 : getuid()
        if getuid() == 0 { chown(script, owner, owner) }
        let environment = FixEnvironment(euid: getuid(), logDirectory: work + "/log")
        let result = capture { try NSSEnvRequest(global: Self.live, script: script, apply: true, environment: environment).run($0) }
        #expect(result.exitCode == 0, "\(result.stderr)")
        let backups = try FileManager.default.contentsOfDirectory(atPath: work).filter { $0.hasPrefix("health.sh.memsleuth-backup-") }
        #expect(backups.count == 1)
        let backup = work + "/" + (backups.first ?? "")
        #expect(try Data(contentsOf: URL(fileURLWithPath: backup)) == original)
        let edited = try String(contentsOfFile: script, encoding: .utf8)
        #expect(edited.contains("\nexport NSS_SDB_USE_CACHE=yes\n"))
        for path in [script, backup] {
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            #expect((attributes[.posixPermissions] as? Int) == 0o750, "\(path)")
            #expect((attributes[.ownerAccountID] as? Int) == Int(owner), "\(path)")
        }
        #expect(try ExternalCommand.run("sh", ["-n", script]).exitCode == 0)
        // The backup is a working script: restoring it gives the original back.
        #expect(try ExternalCommand.run("sh", ["-n", backup]).exitCode == 0)
        // A second run finds the export and does nothing.
        let again = capture { try NSSEnvRequest(global: Self.live, script: script, apply: true, environment: environment).run($0) }
        #expect(again.stdout.hasPrefix("Nothing to do"))
        let (records, _) = try ActionLog(directory: work + "/log").read()
        #expect(records.map(\.action) == ["nss-env"])
        #expect(FileManager.default.subpaths(atPath: work)?.contains { $0.contains("memsleuth-tmp") } == false)
    }

    @Test func nssEnvRefusalIsOneLineExit1() {
        let result = Invocation.capture(["fix", "nss-env", "--script", Fixtures.directory + "/scripts/refused-eval.sh"])
        #expect(result.exitCode == 1)
        #expect(result.stderr.hasSuffix("refused-eval.sh: line 3 uses eval: the commands it runs cannot be read from the file\n"))
        #expect(result.stdout.isEmpty)
    }

    // MARK: log, doctor, watch

    @Test func logAndDoctorShowRecentActions() throws {
        let log = try temporaryDirectory("fix-log")
        defer { try? FileManager.default.removeItem(atPath: log) }
        let now = WallTime.now()
        let old = ActionRecord(time: WallTime(seconds: now.seconds - 3 * 86400, nanoseconds: 0, monotonic: 0).rfc3339,
                               user: "root", action: "cache-pressure", arguments: ["200"],
                               before: [.init(key: "value", value: .number(100))], after: [.init(key: "value", value: .number(200))])
        let recent = ActionRecord(time: now.rfc3339, user: "root", action: "drop-caches", arguments: ["--level", "2"],
                                  before: [.init(key: "memfree_bytes", value: .number(1_073_741_824)), .init(key: "dentry_slab_bytes", value: .number(3_221_225_472))],
                                  after: [.init(key: "memfree_bytes", value: .number(4_294_967_296)), .init(key: "dentry_slab_bytes", value: .number(0))])
        try ActionLog(directory: log).append(old, writes: .system)
        try ActionLog(directory: log).append(recent, writes: .system)
        let shown = Invocation.capture(["fix", "--log", "--log-dir", log])
        #expect(shown.stdout.contains("cache-pressure 200: 100 -> 200"))
        #expect(shown.stdout.contains("drop-caches --level 2: MemFree +3.0 GiB, dentries -3.0 GiB"))
        let json = Invocation.capture(["fix", "--log", "--log-dir", log, "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect((object["actions"] as? [Any])?.count == 2)
        let lines = RecentActions.lines(global: Self.live, environment: FixEnvironment(logDirectory: log))
        #expect(lines.count == 1)
        #expect(lines.first?.contains("drop-caches") == true)
        // Not for a fixture or a bundle: the log is this host's.
        #expect(RecentActions.lines(global: GlobalRequest(root: Self.incident, json: false),
                                    environment: FixEnvironment(logDirectory: log)).isEmpty)
    }

    /// --watch stops cleanly when interrupted (shouldStop after one frame)
    /// and still reports.
    @Test func watchStopsWhenInterruptedAndReports() {
        let result = Invocation.capture(["fix", "--watch", "10m", "--every", "10s", "--root", Self.incident], maxFrames: 2)
        #expect(result.exitCode == 0)
        #expect(result.stderr.contains("memsleuth: watch 1/61 at 0 s: nr_dentry"))
        #expect(result.stdout.hasPrefix("Watched the dentry cache for"))
        #expect(result.stdout.contains("Too few samples") || result.stdout.contains("No regrowth"))
        #expect(Invocation.capture(["fix", "--watch", "1s", "--every", "10s"]).exitCode == 64)
    }
}
