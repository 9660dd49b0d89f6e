import Foundation
import KernelFiles
@testable import MemsleuthCLI
import MemoryModel
import Testing
import TestSupport

/// Creates a memory cgroup of its own on this host, puts a child in it that
/// charges 32 MiB of tmpfs (shmem stays charged while the file exists, so
/// the figure does not depend on the child's timing), and compares
/// memsleuth's reading with the kernel file read by `cat`. Root only.
@Suite(.serialized) struct CgroupsLiveTests {
    static let charged: UInt64 = 32 << 20

    /// Where a memory cgroup can be made: the v2 root when it offers the
    /// memory controller, else the v1 memory hierarchy.
    static func memoryHierarchy() -> (base: String, usageFile: String)? {
        if let controllers = try? String(contentsOfFile: "/sys/fs/cgroup/cgroup.subtree_control", encoding: .utf8),
           controllers.split(whereSeparator: { $0 == " " || $0 == "\n" }).contains("memory") {
            return ("/sys/fs/cgroup", "memory.current")
        }
        if FileManager.default.fileExists(atPath: "/sys/fs/cgroup/memory/memory.usage_in_bytes") {
            return ("/sys/fs/cgroup/memory", "memory.usage_in_bytes")
        }
        return nil
    }

    @Test(.enabled(if: getuid() == 0 && memoryHierarchy() != nil, "needs root and a memory cgroup hierarchy"))
    func ourCgroupMatchesTheKernelFile() throws {
        let (base, usageFile) = try #require(Self.memoryHierarchy())
        let name = "memsleuth-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let directory = base + "/" + name
        let shm = "/dev/shm/" + name
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
        let child = Foundation.Process()
        // Always clean up, also when an expectation below fails: the tmpfs
        // file (its pages are what is charged), the child, then the cgroup.
        defer {
            try? FileManager.default.removeItem(atPath: shm)
            if child.isRunning { child.terminate(); child.waitUntilExit() }
            var tries = 0
            while rmdir(directory) != 0, tries < 50 { tries += 1; usleep(100_000) }
        }
        child.executableURL = URL(fileURLWithPath: "/bin/sh")
        child.arguments = ["-c", "echo $$ > \(directory)/cgroup.procs && dd if=/dev/zero of=\(shm) bs=1M count=32 2>/dev/null && echo ready && exec sleep 300"]
        let pipe = Pipe()
        child.standardOutput = pipe
        try child.run()
        let ready = String(decoding: pipe.fileHandleForReading.readData(ofLength: 6), as: UTF8.self)
        #expect(ready == "ready\n")

        let procs = try String(contentsOfFile: directory + "/cgroup.procs", encoding: .utf8)
        #expect(procs.split(separator: "\n").contains(Substring(String(child.processIdentifier))))

        // Usage moves a little (the child's own pages): ours, the kernel's via cat, ours again.
        func ours() throws -> UInt64 {
            let tree = CgroupTree.read(root: ProcRoot())
            let cgroup = try #require(tree.cgroups.first { $0.path == "/" + name })
            return try #require(cgroup.currentBytes)
        }
        // "ready" comes just before the shell execs sleep, which replaces its
        // memory: wait for the exec so the charge has settled.
        for _ in 0..<50 {
            let comm = try? String(contentsOfFile: "/proc/\(child.processIdentifier)/comm", encoding: .utf8)
            if comm == "sleep\n" { break }
            usleep(20_000)
        }
        // Page-cache and kernel charges can still move a little (e.g. the
        // cgroup's own per-cpu stock flushing): up to five rounds, one clean.
        var last = ""
        var before: UInt64 = 0
        for _ in 0..<5 {
            before = try ours()
            let cat = try ExternalCommand.run("/bin/cat", [directory + "/" + usageFile])
            let after = try ours()
            let theirs = try #require(UInt64(cat.stdout.trimmingCharacters(in: .whitespacesAndNewlines)))
            if min(before, after) <= theirs && theirs <= max(before, after) { last = ""; break }
            last = "ours \(before)/\(after), cat \(theirs)"
            usleep(200_000)
        }
        #expect(last.isEmpty, "no clean round in five; the last: \(last)")
        #expect(before >= Self.charged, "the child charged 32 MiB of tmpfs to the cgroup")

        // The command shows it too, with the same JSON the model gives.
        let result = runCgroups(CgroupsRequest(global: GlobalRequest(root: "/", json: true)))
        #expect(result.exitCode == 0)
        #expect(result.stdout.contains("\"path\": \"/\(name)\""))
    }
}
