@testable import Diagnosis
import KernelFiles
import MemoryModel
import SystemPackage
import Foundation
import Testing
import TestSupport

/// The doctor's hand-made trees (Tests/Fixtures/incidents, see each PROVENANCE.md).
enum Incidents {
    static let names = ["dentry-leak-rhel6", "page-cache-heavy", "healthy-small"]
    static func path(_ name: String) -> String { Fixtures.directory + "/incidents/" + name }
    static func root(_ name: String, io: FileIO = .system) -> ProcRoot { ProcRoot(path(name), io: io) }
}

@Suite struct GatherTests {
    // Given the incident tree, the health check's curl is found with both NSS
    // libraries, an environment without NSS_SDB_USE_CACHE, and the script above it.
    @Test func incidentCurlIsASuspect() throws {
        let input = DiagnosisInput.gather(root: Incidents.root("dentry-leak-rhel6"))
        #expect(input.suspects.map(\.pid) == [31377])
        let curl = try #require(input.suspects.first)
        #expect(curl.command == "curl")
        #expect(curl.cmdline == "curl -s https://localhost/health")
        #expect(curl.executable == "/usr/bin/curl")
        #expect(curl.mappedLibraries == ["/usr/lib64/libnss3.so", "/usr/lib64/libsoftokn3.so", "/usr/lib64/libsqlite3.so.0.8.6"])
        #expect(curl.environment == [:], "readable, and NSS_SDB_USE_CACHE absent")
        #expect(curl.ancestors == [
            .init(pid: 2211, cmdline: "/bin/bash /usr/local/bin/lb-healthcheck.sh"),
            .init(pid: 1, cmdline: "/sbin/init"),
        ])
        let sweep = try #require(input.processes)
        #expect(sweep.rows.map(\.pid) == [1, 1720, 2211, 31377])
        #expect(sweep.withoutMemory == 1, "kthreadd")
        #expect(input.tmpfs == [TmpfsMount(mountPoint: "/dev", usedBytes: 221184, sizeBytes: 33744388096),
                                TmpfsMount(mountPoint: "/dev/shm", usedBytes: 0, sizeBytes: 33752508416)])
        #expect(input.snapshot.meminfo?.memTotal == 65922868 * 1024)
        #expect(input.cgroups?.version == nil, "RHEL 6 without cgconfig mounts no cgroup hierarchy")
    }

    // A curl by name that maps no NSS (Ubuntu's, OpenSSL) is recorded with no
    // libraries; a host without curl or NSS has no suspects.
    @Test func otherTrees() throws {
        let healthy = DiagnosisInput.gather(root: Incidents.root("healthy-small"))
        #expect(healthy.suspects.map(\.pid) == [1733])
        #expect(healthy.suspects.first?.mappedLibraries == [])
        #expect(healthy.suspects.first?.ancestors.first?.cmdline == "/bin/sh /usr/local/bin/probe.sh")
        let cache = DiagnosisInput.gather(root: Incidents.root("page-cache-heavy"))
        #expect(cache.suspects.isEmpty)
        #expect(cache.tmpfs.first?.mountPoint == "/run")
    }

    // Without maps scanning only curl-by-name remains, and its libraries are unknown ([]).
    @Test func withoutMapsScan() {
        let input = DiagnosisInput.gather(root: Incidents.root("dentry-leak-rhel6"), scansMaps: false)
        #expect(input.suspects.map(\.pid) == [31377])
        #expect(input.suspects.first?.mappedLibraries == [])
    }

    // environ refused (another user's process as non-root): the environment
    // is unknown (nil), not "absent"; everything else is still there.
    @Test func environUnreadable() throws {
        let io = FaultyIO.failing(["/proc/31377/environ": .permissionDenied])
        let input = DiagnosisInput.gather(root: Incidents.root("dentry-leak-rhel6", io: io))
        let curl = try #require(input.suspects.first)
        #expect(curl.environment == nil)
        #expect(curl.mappedLibraries.count == 3)
        #expect(curl.ancestors.count == 2)
    }

    // The curl exits before the sweep reads it: no row, no suspect, counted as vanished.
    @Test func vanishesBeforeSweep() throws {
        let io = FaultyIO.failing(["/proc/31377/status": .noSuchProcess])
        let input = DiagnosisInput.gather(root: Incidents.root("dentry-leak-rhel6", io: io))
        #expect(input.suspects.isEmpty)
        #expect(input.processes?.vanished == 1)
    }

    // It exits between the sweep and its maps: not a suspect (nothing known).
    @Test func vanishesBeforeMaps() {
        let io = FaultyIO.failing(["/proc/31377/maps": .noSuchFileOrDirectory])
        let input = DiagnosisInput.gather(root: Incidents.root("dentry-leak-rhel6", io: io))
        #expect(input.suspects.isEmpty)
        #expect(input.processes?.rows.count == 4)
    }

    // It exits after its maps were read: kept with what was read; the rest unknown.
    @Test func vanishesAfterMaps() throws {
        let io = FaultyIO.failing(["/proc/31377/environ": .noSuchProcess, "/proc/31377/cmdline": .noSuchProcess,
                                   "/proc/2211/status": .noSuchFileOrDirectory])
        let input = DiagnosisInput.gather(root: Incidents.root("dentry-leak-rhel6", io: io))
        let curl = try #require(input.suspects.first)
        #expect(curl.environment == nil)
        #expect(curl.cmdline == "[curl]")
        #expect(curl.ancestors.isEmpty, "the parent could not be read: the chain stops there")
        #expect(curl.mappedLibraries.contains("/usr/lib64/libnss3.so"))
    }

    // A tree without memsleuth/tmpfs cannot be statfs'd: empty, and said why.
    @Test(arguments: Fixtures.kernelNames) func tmpfsOnKernelTrees(kernel: String) {
        let input = DiagnosisInput.gather(root: Fixtures.kernel(kernel), scansProcesses: false)
        #expect(input.tmpfs.isEmpty)
        #expect(input.unavailable.contains { $0.source == "/memsleuth/tmpfs" })
    }

    // The live host: tmpfs mounts statfs'd, each superblock once, used ≤ size.
    @Test func liveTmpfs() {
        let input = DiagnosisInput.gather(root: ProcRoot(), scansProcesses: false)
        #expect(!input.unavailable.contains { $0.source == "/memsleuth/tmpfs" })
        #expect(Set(input.tmpfs.map(\.mountPoint)).count == input.tmpfs.count)
        for mount in input.tmpfs {
            if let used = mount.usedBytes, let size = mount.sizeBytes { #expect(used <= size, "\(mount.mountPoint)") }
        }
    }

    // Live parity with df: every tmpfs we list, df lists with the same size;
    // used moves (other processes write /dev/shm), so ours, df's, ours again,
    // and df's must lie between the two readings of ours.
    @Test func liveTmpfsAgreesWithDf() throws {
        guard ExternalCommand.exists("df") else { return }
        let before = TmpfsMount.gather(root: ProcRoot(), buffer: ReadBuffer()).mounts
        let df = try ExternalCommand.run("df", ["-B1", "--output=target,used,size", "-t", "tmpfs", "-t", "devtmpfs"])
        let after = TmpfsMount.gather(root: ProcRoot(), buffer: ReadBuffer()).mounts
        var theirs: [String: (used: UInt64, size: UInt64)] = [:]
        for line in df.stdout.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: " ")
            guard fields.count == 3, let used = UInt64(fields[1]), let size = UInt64(fields[2]) else { continue }
            theirs[String(fields[0])] = (used, size)
        }
        for mount in before {
            guard let size = mount.sizeBytes, let used = mount.usedBytes else { continue }
            let other = try #require(theirs[mount.mountPoint], "df lists \(mount.mountPoint)")
            #expect(other.size == size)
            let later = after.first { $0.mountPoint == mount.mountPoint }?.usedBytes ?? used
            #expect(min(used, later) <= other.used && other.used <= max(used, later), "\(mount.mountPoint)")
        }
    }

    // Live: a child of this test that maps NSS (preloaded into sleep) with
    // NSS_SDB_USE_CACHE=yes is found, with the value, both libraries, and
    // this test process among its ancestors. Killed at the end.
    @Test func liveNSSChild() throws {
        let directory = "/usr/lib/x86_64-linux-gnu/"
        guard access(directory + "libnss3.so", R_OK) == 0, access(directory + "libsoftokn3.so", R_OK) == 0 else { return }
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/bin/sleep")
        child.arguments = ["300"]
        child.environment = ["NSS_SDB_USE_CACHE": "yes", "LD_PRELOAD": directory + "libnss3.so:" + directory + "libsoftokn3.so"]
        try child.run()
        defer { kill(child.processIdentifier, SIGKILL); child.waitUntilExit() }
        let pid = child.processIdentifier
        // Wait for the exec and the preload (maps then names the libraries).
        let buffer = ReadBuffer()
        for _ in 0..<200 {
            if (try? ProcRoot().read("proc/\(pid)/maps", into: buffer)) != nil,
               buffer.withBytes({ SuspectScanner.containsTrigger($0) }) { break }
            usleep(10_000)
        }
        let input = DiagnosisInput.gather(root: ProcRoot())
        let found = try #require(input.suspects.first { $0.pid == pid })
        #expect(found.command == "sleep")
        #expect(found.cmdline == "/bin/sleep 300")
        #expect(found.environment == ["NSS_SDB_USE_CACHE": "yes"])
        #expect(found.mappedLibraries.contains(directory + "libnss3.so"))
        #expect(found.mappedLibraries.contains(directory + "libsoftokn3.so"))
        #expect(found.ancestors.first?.pid == getpid())
        #expect(found.ancestors.last?.pid == 1 || found.ancestors.count < 64)
    }

    // Live: this test process maps no NSS; if any process is a suspect its
    // chain ends at pid 1 or at a parent outside this pid namespace.
    @Test func liveSuspects() {
        let input = DiagnosisInput.gather(root: ProcRoot())
        #expect((input.processes?.rows.count ?? 0) > 0)
        for suspect in input.suspects {
            #expect(!suspect.mappedLibraries.isEmpty || suspect.command == "curl")
        }
    }
}

@Suite struct SuspectScannerTests {
    @Test(arguments: [
        ("7f3c1a267000-7f3c1a394000 r-xp 00000000 fd:00 2731   /usr/lib64/libnss3.so\n", true),
        ("7f00-7f10 r-xp 00000000 fd:00 1   /usr/lib/x86_64-linux-gnu/libnss3.so\n", true),
        ("7f00-7f10 r-xp 00000000 fd:00 1   /usr/lib64/libsoftokn3.so\n", true),
        ("7f00-7f10 r-xp 00000000 fd:00 1   /usr/lib64/libnssdbm3.so\n", true),
        // glibc's name-service modules are not Mozilla NSS.
        ("7f00-7f10 r-xp 00000000 fd:00 1   /lib64/libnss_files-2.12.so\n", false),
        ("7f00-7f10 r-xp 00000000 fd:00 1   /usr/lib64/libnssutil3.so\n", false),
        ("", false),
        ("libnss3.s", false),
    ]) func trigger(text: String, expected: Bool) {
        let bytes = Array(text.utf8)
        #expect(bytes.withUnsafeBytes { SuspectScanner.containsTrigger($0) } == expected)
    }
}

@Suite struct CapturedTmpfsTests {
    @Test func parses() throws {
        let text = "# mountpoint used_bytes size_bytes\n/dev/shm 1048576 33741045760\n/mnt/big\\040scratch - -\n\n"
        let parsed = try parseText(text, CapturedTmpfs.parse)
        #expect(parsed.mounts == [
            .init(mountPoint: "/dev/shm", usedBytes: 1048576, sizeBytes: 33741045760),
            .init(mountPoint: "/mnt/big scratch", usedBytes: nil, sizeBytes: nil),
        ])
        #expect(try parseText("", CapturedTmpfs.parse).mounts.isEmpty)
    }

    @Test func textReadsBackAsWritten() throws {
        let mounts = CapturedTmpfs(mounts: [
            .init(mountPoint: "/dev/shm", usedBytes: 1048576, sizeBytes: 33741045760),
            .init(mountPoint: "/mnt/big scratch\\with\ttab", usedBytes: nil, sizeBytes: 7),
        ])
        #expect(mounts.text.contains("/mnt/big\\040scratch\\134with\\011tab - 7\n"))
        #expect(try parseText(mounts.text, CapturedTmpfs.parse) == mounts)
    }

    @Test(arguments: ["/dev/shm 12\n", "dev/shm 1 2\n", "/dev/shm x 2\n", "/dev/shm 1 2 3\n",
                      "/dev/shm 1 99999999999999999999\n"])
    func malformed(text: String) {
        #expect(throws: ParseError.self) { try parseText(text, path: "/memsleuth/tmpfs", CapturedTmpfs.parse) }
        do { _ = try parseText(text, path: "/memsleuth/tmpfs", CapturedTmpfs.parse) } catch {
            #expect(error.line == 1)
        }
    }
}
