import Foundation
import KernelFiles
import MemoryModel
@testable import MemsleuthCLI
import Testing
import TestSupport

/// `memsleuth capture` and `--bundle`: a live capture reads back as the same
/// views, samples come in time order, archives round-trip, secrets stay out.
/// Live captures need root (other users' files); they run as root here.
@Suite struct CaptureBundleTests {
    /// A fresh directory, removed by the caller's `defer`.
    static func scratch(_ name: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("memsleuth-\(name)-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func remove(_ path: String) { try? FileManager.default.removeItem(atPath: path) }

    /// Runs `memsleuth` in-process with a real sleep (capture's interval).
    static func run(_ arguments: [String]) -> (stdout: String, stderr: String, exitCode: Int32) {
        let out = CapturedText()
        let err = CapturedText()
        let context = CommandContext(
            environment: CommandEnvironment(), out: out.sink, err: err.sink,
            sleep: { usleep(UInt32(max(0, $0) * 1_000_000)) })
        let code = Invocation.run(arguments, context: context)
        return (out.text, err.text, code)
    }

    static func capture(_ output: String, _ extra: [String] = []) throws {
        let result = run(["capture", "-o", output] + extra)
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(result.stderr.contains("sample 1/") && result.stderr.contains("files"), "progress on stderr")
        #expect(result.stdout.isEmpty)
    }

    /// Every view (text and JSON) without a pid: `--bundle DIR` must read the
    /// latest sample exactly as `--root DIR/samples/NNNN` does.
    static let views: [[String]] = [
        ["meminfo"], ["free"], ["free", "-h"], ["vmstat"], ["vmstat", "-s"], ["slabtop", "--once"], ["dcache"],
        ["buddy"], ["numa"], ["ps"], ["ps", "--by", "user"], ["cgroups"], ["snapshot"],
    ]

    /// `snapshot`'s "time" is when it was read, not what it read.
    static func withoutReadTime(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.hasPrefix("  \"time\": ") }.joined(separator: "\n")
    }

    @Test func liveCaptureReadsBackAsTheSameViews() throws {
        let directory = try Self.scratch("capture")
        defer { Self.remove(directory) }
        let bundle = directory + "/bundle"
        try Self.capture(bundle + "/")
        let reader = try BundleReader(directory: bundle)
        #expect(reader.samples.count == 1)
        let sample = bundle + "/samples/0000"
        for view in Self.views {
            for json in [[], ["--json"]] {
                let viaBundle = Invocation.capture(view + json + ["--bundle", bundle])
                let viaRoot = Invocation.capture(view + json + ["--root", sample])
                #expect(viaBundle.exitCode == 0 && viaRoot.exitCode == 0, "\(view + json): \(viaBundle.stderr)")
                #expect(Self.withoutReadTime(viaBundle.stdout) == Self.withoutReadTime(viaRoot.stdout), "\(view + json)")
                #expect(viaBundle.stderr == viaRoot.stderr)
            }
        }
        // What the capture read is all there: the snapshot of the bundle has
        // every section the live one had, and nothing unavailable that was
        // available live.
        let snapshot = try #require(reader.snapshots().first)
        #expect(snapshot.meminfo != nil && snapshot.vmstat != nil && snapshot.slab != nil && snapshot.buddy != nil)
        // The capture ran in this process, so the bundle must hold it (a count
        // such as "more than 5" depends on the machine: CI containers run few).
        #expect(snapshot.processes?.rows.contains { $0.pid == getpid() } == true)
        #expect(snapshot.pageSize?.source == .manifest)
        // tmpfs usage (statfs, not a file) is kept for the doctor's shmem rules.
        #expect(FileManager.default.fileExists(atPath: sample + "/memsleuth/tmpfs"))
        let doctor = Invocation.capture(["doctor", "--json", "--bundle", bundle])
        #expect(!doctor.stdout.contains("/memsleuth/tmpfs"), "the doctor found the captured tmpfs figures")
        #expect(snapshot.time == reader.latest.time)
        let live = SnapshotCollector(root: ProcRoot()).collect()
        #expect(Set(snapshot.unavailable.map(\.line)).isSubset(of: Set(live.unavailable.map(\.line))),
                "\(snapshot.unavailable.map(\.line))")
    }

    @Test func threeSamplesAreHistoryInTimeOrder() throws {
        let directory = try Self.scratch("samples")
        defer { Self.remove(directory) }
        let bundle = directory + "/three"
        let result = Self.run(["capture", "-o", bundle, "--samples", "3", "--interval", "0.2"])
        #expect(result.exitCode == 0, "\(result.stderr)")
        for number in 1...3 { #expect(result.stderr.contains("sample \(number)/3: ")) }
        let reader = try BundleReader(directory: bundle)
        let manifest = try #require(reader.manifest)
        #expect(manifest.samples.map(\.dir) == ["samples/0000", "samples/0001", "samples/0002"])
        let times = manifest.samples.compactMap(\.time)
        #expect(times.count == 3 && times == times.sorted() && Set(times.map(\.rfc3339)).count == 3)
        // Starts are --interval apart (a sample takes longer than 0.2 s in a debug build: then back to back).
        if let first = times.first, let last = times.last {
            #expect(last.monotonic - first.monotonic >= 0.4 - 0.002)
        }
        let snapshots = reader.snapshots()
        #expect(snapshots.count == 3)
        #expect(snapshots.map(\.time) == times)
        #expect(snapshots.allSatisfy { $0.meminfo != nil && $0.processes != nil })
        // One-sample views read the newest.
        #expect(reader.latest.root.prefix.hasSuffix("samples/0002"))
    }

    @Test func tarGzRoundTrips() throws {
        let directory = try Self.scratch("archive")
        defer { Self.remove(directory) }
        let archive = directory + "/host.tar.gz"
        try Self.capture(archive)
        #expect(FileManager.default.fileExists(atPath: archive + ".partial") == false)
        let extracted = directory + "/x"
        try FileManager.default.createDirectory(atPath: extracted, withIntermediateDirectories: true)
        let tar = try ExternalCommand.run("tar", ["-xzf", archive, "-C", extracted])
        #expect(tar.exitCode == 0, "\(tar.stderr)")
        #expect(FileManager.default.fileExists(atPath: extracted + "/manifest.json"))
        for view in [["meminfo", "--json"], ["slabtop", "--once"], ["ps"], ["snapshot"]] {
            let viaArchive = Invocation.capture(view + ["--bundle", archive])
            let viaDirectory = Invocation.capture(view + ["--bundle", extracted])
            #expect(viaArchive.exitCode == 0, "\(view): \(viaArchive.stderr)")
            #expect(Self.withoutReadTime(viaArchive.stdout) == Self.withoutReadTime(viaDirectory.stdout), "\(view)")
        }
        // Links survive the archive.
        let slab = extracted + "/samples/0000/sys/kernel/slab"
        if let names = try? FileManager.default.contentsOfDirectory(atPath: "/sys/kernel/slab"),
           let alias = names.first(where: { (try? FileManager.default.destinationOfSymbolicLink(atPath: "/sys/kernel/slab/" + $0)) != nil }) {
            #expect(try FileManager.default.destinationOfSymbolicLink(atPath: slab + "/" + alias)
                    == FileManager.default.destinationOfSymbolicLink(atPath: "/sys/kernel/slab/" + alias))
        }
    }

    @Test func environKeepsOnlyTheAllowListAndExeStaysALink() throws {
        let child = Foundation.Process()
        child.executableURL = URL(fileURLWithPath: "/bin/sleep")
        child.arguments = ["300"]
        child.environment = ["SECRET": "x", "NSS_SDB_USE_CACHE": "yes", "PATH": "/usr/bin:/bin"]
        try child.run()
        defer { kill(child.processIdentifier, SIGKILL); child.waitUntilExit() }
        let pid = child.processIdentifier
        let directory = try Self.scratch("environ")
        defer { Self.remove(directory) }
        let bundle = directory + "/b"
        try Self.capture(bundle)
        let process = bundle + "/samples/0000/proc/\(pid)"
        let environ = try #require(FileManager.default.contents(atPath: process + "/environ"))
        #expect(environ == Data("NSS_SDB_USE_CACHE=yes\0".utf8))
        // No environ anywhere holds anything but allow-listed variables, and
        // no file of the bundle holds the secret.
        let secret = Data("SECRET=x".utf8)
        let enumerator = try #require(FileManager.default.enumerator(atPath: bundle))
        var environFiles = 0
        for case let relative as String in enumerator {
            let path = bundle + "/" + relative
            guard (try? FileManager.default.destinationOfSymbolicLink(atPath: path)) == nil,
                  let data = FileManager.default.contents(atPath: path) else { continue }
            #expect(data.range(of: secret) == nil, "\(relative)")
            if relative.hasSuffix("/environ") {
                environFiles += 1
                for entry in data.split(separator: 0) {
                    #expect(String(decoding: entry, as: UTF8.self).hasPrefix("NSS_SDB_USE_CACHE="), "\(relative)")
                }
            }
        }
        #expect(environFiles > 1)
        let manifest = try String(contentsOfFile: bundle + "/manifest.json", encoding: .utf8)
        #expect(manifest.contains("\"environ\": \"allow-list: NSS_SDB_USE_CACHE\""))
        // exe: a link to what the kernel reported, never the binary.
        let target = try FileManager.default.destinationOfSymbolicLink(atPath: process + "/exe")
        #expect(target == (try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/exe")))
        let attributes = try FileManager.default.attributesOfItem(atPath: process + "/exe")
        #expect(attributes[.type] as? FileAttributeType == .typeSymbolicLink)
        // The sample is a --root of its own, and ps there sees the child.
        let ps = Invocation.capture(["ps", "--json", "--root", bundle + "/samples/0000"])
        #expect(ps.exitCode == 0 && ps.stdout.contains("\"pid\": \(pid)"))
    }

    @Test func bundleAndRootTogetherIsAUsageError() {
        for view in [["free"], ["meminfo", "--json"], ["ps"], ["snapshot"], ["slabtop", "--once"]] {
            let result = Invocation.capture(view + ["--bundle", "/nonexistent", "--root", "/"])
            #expect(result.exitCode == 64, "\(view)")
            #expect(result.stderr.contains("--bundle and --root"))
        }
        let arguments: ArraySlice<String> = ["--root=/x", "--bundle=/y"]
        #expect(FreeRequest.fastParse(arguments) == nil && MeminfoRequest.fastParse(arguments) == nil)
    }

    @Test(arguments: [[] as [String], ["--json"], ["-h", "--bundle=/b"]])
    func fastPathTakesBundleLikeArgumentParser(_ extra: [String]) throws {
        let arguments = extra.contains { $0.hasPrefix("--bundle") } ? extra : extra + ["--bundle", "/b"]
        let fast = try #require(FreeRequest.fastParse(arguments[...]))
        let parsed = try #require(try Memsleuth.parseAsRoot(["free"] + arguments) as? Memsleuth.Free)
        #expect(fast == parsed.request && fast.global.bundle == "/b")
    }

    @Test func garbledOrMissingManifestNamesTheFile() throws {
        let directory = try Self.scratch("garbled")
        defer { Self.remove(directory) }
        try FileManager.default.createDirectory(atPath: directory + "/samples/0000/proc", withIntermediateDirectories: true)
        try Data("{\"format\": \"memsleuth-bundle/1\", \"samples\": [".utf8).write(to: URL(fileURLWithPath: directory + "/manifest.json"))
        let result = Invocation.capture(["free", "--bundle", directory])
        #expect(result.exitCode == 1)
        #expect(result.stderr.contains(directory + "/manifest.json: not valid JSON"), "\(result.stderr)")
        let missing = Invocation.capture(["meminfo", "--bundle", directory + "/none"])
        #expect(missing.exitCode == 1 && missing.stderr.contains(directory + "/none"))
        let notABundle = Invocation.capture(["meminfo", "--bundle", directory + "/samples"])
        #expect(notABundle.exitCode == 1 && notABundle.stderr.contains("samples/manifest.json"), "\(notABundle.stderr)")
        // A file that is not a tar.gz.
        try Data("not gzip".utf8).write(to: URL(fileURLWithPath: directory + "/junk.tar.gz"))
        let junk = Invocation.capture(["meminfo", "--bundle", directory + "/junk.tar.gz"])
        #expect(junk.exitCode == 1 && junk.stderr.contains("cannot extract " + directory + "/junk.tar.gz"))
    }

    @Test func existingOutputIsReplacedOnlyWithForce() throws {
        let directory = try Self.scratch("force")
        defer { Self.remove(directory) }
        let fixture = Fixtures.kernelPath("linux-6.18-sandbox")
        let bundle = directory + "/b"
        try Self.capture(bundle, ["--root", fixture])
        let again = Self.run(["capture", "-o", bundle, "--root", fixture])
        #expect(again.exitCode == 1 && again.stderr.contains("already exists"))
        try Self.capture(bundle, ["--root", fixture, "--force"])
        // A directory that is not a bundle is never removed, even with --force.
        let other = directory + "/precious"
        try FileManager.default.createDirectory(atPath: other, withIntermediateDirectories: true)
        let refused = Self.run(["capture", "-o", other, "--root", fixture, "--force"])
        #expect(refused.exitCode == 1 && refused.stderr.contains("refusing to replace"))
        #expect(FileManager.default.fileExists(atPath: other))
        // No working directories left behind.
        let left = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.contains("partial") }
        #expect(left.isEmpty, "\(left)")
        // Captured from a fixture: the same views as the fixture, and the
        // fixture's own manifest was not copied into the sample.
        #expect(!FileManager.default.fileExists(atPath: bundle + "/samples/0000/manifest.json"))
        for view in [["free"], ["slabtop", "--once"], ["buddy", "--json"]] {
            #expect(Invocation.capture(view + ["--bundle", bundle]).stdout == Invocation.capture(view + ["--root", fixture]).stdout, "\(view)")
        }
    }
}
