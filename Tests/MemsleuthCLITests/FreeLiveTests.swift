import Foundation
@testable import MemsleuthCLI
import KernelFiles
import MemoryModel
import Rendering
import Testing
import TestSupport

/// Our free against procps-ng's `free` on this machine's kernel. Memory
/// moves between reads, so each check reads ours, theirs, ours and wants
/// theirs between our two reads; a check that sees memory jump back and
/// forth (possible, but rare on this idle host) is retried a few times.
private let procpsFreePath: String? = ["/usr/bin/free", "/bin/free"].first { FileManager.default.isExecutableFile(atPath: $0) }

@Suite(.enabled(if: procpsFreePath != nil, "needs procps free"))
struct FreeLiveTests {
    static var procpsFree: String? { procpsFreePath }

    static func runFree(_ arguments: [String]) throws -> String {
        try ExternalCommand.run(procpsFree ?? "/usr/bin/free", arguments).stdout
    }

    /// The figures of one row ("Mem:", "Swap:") as strings.
    static func row(_ label: String, of text: String) -> [String] {
        for line in text.split(separator: "\n") where line.hasPrefix(label) {
            return line.split(separator: " ").dropFirst().map(String.init)
        }
        return []
    }

    static func ours() throws -> FreeSummary { FreeSummary(try ProcRoot().meminfo(buffer: ReadBuffer())) }

    /// Mem row in the order free prints it, wide or not.
    static func memFigures(_ s: FreeSummary, wide: Bool) -> [Int64] {
        let v: [UInt64?] = wide
            ? [s.total, s.used, s.free, s.shared, s.buffers, s.cache, s.available]
            : [s.total, s.used, s.free, s.shared, s.buffCache, s.available]
        return v.map { Int64($0 ?? 0) }
    }

    static func swapFigures(_ s: FreeSummary) -> [Int64] {
        [s.swapTotal, s.swapUsed, s.swapFree].map { Int64($0 ?? 0) }
    }

    /// Numeric flags: theirs (scaled back by `divisor`) lies between our two reads.
    @Test(arguments: [(["-b"], 1, false), (["-k"], 1024, false), (["-b", "-w"], 1, true), (["-m"], 1 << 20, false)]
          as [([String], Int64, Bool)])
    func numericFiguresLieBetweenOurReads(_ flags: [String], _ divisor: Int64, _ wide: Bool) throws {
        var lastProblem = ""
        for _ in 0..<5 {
            let before = try Self.ours()
            let text = try Self.runFree(flags)
            let after = try Self.ours()
            let pairs = [
                (Self.row("Mem:", of: text), Self.memFigures(before, wide: wide), Self.memFigures(after, wide: wide)),
                (Self.row("Swap:", of: text), Self.swapFigures(before), Self.swapFigures(after)),
            ]
            lastProblem = ""
            for (theirs, low, high) in pairs {
                guard theirs.count == low.count else { lastProblem = "columns: \(theirs)"; break }
                for index in theirs.indices {
                    guard let value = Int64(theirs[index]) else { lastProblem = "not a number: \(theirs[index])"; break }
                    let a = low[index] / divisor, b = high[index] / divisor
                    if value < min(a, b) || value > max(a, b) { lastProblem = "column \(index): \(value) not in \(a)...\(b)" }
                }
            }
            if lastProblem.isEmpty { return }
        }
        Issue.record("free \(flags): \(lastProblem)")
    }

    /// -h prints rounded strings: theirs must be one of what our two reads render.
    @Test(arguments: [["-h"], ["-h", "-w"], ["-h", "--si"]])
    func humanFiguresMatchOneOfOurReads(_ flags: [String]) throws {
        let format = FreeFormat(human: true, si: flags.contains("--si"), wide: flags.contains("-w"))
        var lastProblem = ""
        for _ in 0..<5 {
            let before = try Self.ours()
            let text = try Self.runFree(flags)
            let after = try Self.ours()
            let theirs = Self.row("Mem:", of: text) + Self.row("Swap:", of: text)
            let a = (Self.memFigures(before, wide: format.wide) + Self.swapFigures(before)).map { FreeView.cell($0, format: format) }
            let b = (Self.memFigures(after, wide: format.wide) + Self.swapFigures(after)).map { FreeView.cell($0, format: format) }
            lastProblem = theirs.count == a.count ? "" : "columns: \(theirs)"
            for index in theirs.indices where index < a.count && theirs[index] != a[index] && theirs[index] != b[index] {
                lastProblem = "column \(index): \(theirs[index]) vs ours \(a[index]) / \(b[index])"
            }
            if lastProblem.isEmpty { return }
        }
        Issue.record("free \(flags): \(lastProblem)")
    }

    /// The whole text, in-process through the command, equals free's when
    /// nothing moved between our two runs.
    @Test(arguments: [["-b"], ["-k"], ["-h"], ["-w"], ["-h", "-w", "-t"]])
    func textIsIdenticalWhenMemoryHoldsStill(_ flags: [String]) throws {
        for _ in 0..<10 {
            let before = Invocation.capture(["free"] + flags).stdout
            let theirs = try Self.runFree(flags)
            let after = Invocation.capture(["free"] + flags).stdout
            guard before == after else { continue }
            #expect(theirs == before)
            return
        }
        // Memory moved on every try: the figure checks above cover this case.
    }
}

/// `memsleuth dcache` against the kernel files themselves.
@Suite struct DcacheLiveTests {
    static func numbers(_ path: String) -> [UInt64] {
        ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "")
            .split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).compactMap { UInt64($0) }
    }

    @Test func dentryAndInodeCountersLieBetweenOurReads() throws {
        let root = ProcRoot()
        var problem = ""
        for _ in 0..<5 {
            let before = try root.dentryState(buffer: ReadBuffer())
            let inodesBefore = try root.inodeState(buffer: ReadBuffer())
            let dentries = Self.numbers("/proc/sys/fs/dentry-state")
            let inodes = Self.numbers("/proc/sys/fs/inode-state")
            let after = try root.dentryState(buffer: ReadBuffer())
            let inodesAfter = try root.inodeState(buffer: ReadBuffer())
            guard dentries.count == 6, inodes.count == 7 else { Issue.record("unexpected kernel files"); return }
            problem = ""
            func between(_ name: String, _ value: UInt64, _ a: UInt64, _ b: UInt64) {
                if value < min(a, b) || value > max(a, b) { problem += "\(name) \(value) not in \(a)...\(b); " }
            }
            between("nr_dentry", dentries[0], before.nrDentry, after.nrDentry)
            between("nr_unused", dentries[1], before.nrUnused, after.nrUnused)
            between("nr_negative", dentries[4], before.nrNegative ?? 0, after.nrNegative ?? 0)
            between("nr_inodes", inodes[0], inodesBefore.nrInodes, inodesAfter.nrInodes)
            #expect(before.ageLimit == dentries[2])
            if problem.isEmpty { break }
        }
        #expect(problem.isEmpty, "\(problem)")
    }

    @Test func sysctlsAndFileMaxEqualTheFiles() throws {
        let buffer = ReadBuffer()
        let sysctls = try ProcRoot().vmSysctls(buffer: buffer)
        #expect(sysctls.vfsCachePressure == Self.numbers("/proc/sys/vm/vfs_cache_pressure").first)
        #expect(sysctls.minFreeBytes == Self.numbers("/proc/sys/vm/min_free_kbytes").first.map { $0 * 1024 })
        #expect(sysctls.overcommitMemory == Self.numbers("/proc/sys/vm/overcommit_memory").first)
        #expect(sysctls.overcommitRatio == Self.numbers("/proc/sys/vm/overcommit_ratio").first)
        let files = try ProcRoot().fileNr(buffer: buffer)
        #expect(files.max == Self.numbers("/proc/sys/fs/file-nr").last)
        let release = try ProcRoot().kernelRelease(buffer: buffer)
        let uname = (try? String(contentsOfFile: "/proc/sys/kernel/osrelease", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(release.text == uname)
    }

    @Test func liveCommandSucceeds() {
        let result = Invocation.capture(["dcache", "--json"])
        #expect(result.exitCode == 0)
        #expect(result.stdout.contains("\"nr_dentry\""))
    }
}
