import Foundation
import MemsleuthCLI
import Testing
import TestSupport

/// `memsleuth ps` against the real tools on this host, on children of this
/// test with known sizes (a `sleep`, a python3 holding 50 MiB):
/// - VIRT/RES/SHR against procps `top -b -n1 -e k` (KiB) and VSZ/RSS against `ps`;
/// - PSS/USS/Swap against `smem` (called once: it is slow), within the
///   observer effect described in `pssUssSwapMatchSmem`.
///
/// Figures can move between two reads, so each comparison reads ours, then
/// theirs, then ours again and requires theirs between our two. smem sums
/// each mapping's Pss from smaps, which the kernel truncates to whole kB per
/// mapping, while we read smaps_rollup's exact sum: smem's PSS may be lower
/// than ours by less than 1 KiB per mapping, never higher.
@Suite(.enabled(if: getuid() == 0 && ExternalCommand.exists("top") && ExternalCommand.exists("smem"),
                "needs root (smaps_rollup of every child), procps top and smem"),
       .serialized)
struct PsLiveTests {
    /// Children that live for the test and are killed by pid at the end.
    final class Children {
        let sleeper = Foundation.Process()
        let allocator = Foundation.Process()
        let marker = "memsleuth-ps-live-\(getpid())"

        init() throws {
            sleeper.executableURL = URL(fileURLWithPath: "/bin/sleep")
            sleeper.arguments = ["3017"]
            allocator.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
            allocator.arguments = ["-c", """
                import sys, time
                b = bytearray(50 * 1024 * 1024)
                for i in range(0, len(b), 4096): b[i] = 1
                print("ready", flush=True)
                time.sleep(3017)
                """, marker]
            let pipe = Pipe()
            allocator.standardOutput = pipe
            try sleeper.run()
            try allocator.run()
            // Wait until the 50 MiB are touched.
            _ = pipe.fileHandleForReading.availableData
        }

        var pids: [Int32] { [sleeper.processIdentifier, allocator.processIdentifier] }

        deinit {
            for child in [sleeper, allocator] where child.isRunning {
                kill(child.processIdentifier, SIGKILL)
                child.waitUntilExit()
            }
        }
    }

    typealias Row = [String: Any]

    static func ours() throws -> [Int32: Row] {
        let result = Invocation.capture(["ps", "--json"])
        #expect(result.exitCode == 0, "\(result.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let processes = try #require(document["processes"] as? [Row])
        var byPid: [Int32: Row] = [:]
        for row in processes { if let pid = row["pid"] as? Int { byPid[Int32(pid)] = row } }
        return byPid
    }

    /// Kibibytes of a JSON size.
    static func kib(_ row: Row?, _ key: String) -> Int? { (row?[key] as? Int).map { $0 / 1024 } }

    static func between(_ value: Int?, _ a: Int?, _ b: Int?) -> Bool {
        guard let value, let a, let b else { return false }
        return min(a, b) <= value && value <= max(a, b)
    }

    /// `top -b -n1 -e k -p PIDS`: pid → (VIRT, RES, SHR) in KiB.
    static func top(_ pids: [Int32]) throws -> [Int32: (Int, Int, Int)] {
        let output = try ExternalCommand.run("top", ["-b", "-n1", "-e", "k", "-p", pids.map(String.init).joined(separator: ",")])
        var rows: [Int32: (Int, Int, Int)] = [:]
        for line in output.stdout.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count >= 12, let pid = Int32(fields[0]), let virt = Int(fields[4]), let res = Int(fields[5]),
                  let shr = Int(fields[6]) else { continue }
            rows[pid] = (virt, res, shr)
        }
        return rows
    }

    @Test func virtResShrMatchTopAndVszRssMatchPs() throws {
        let children = try Children()
        let before = try Self.ours()
        let top = try Self.top(children.pids)
        let ps = try ExternalCommand.run("ps", ["-o", "pid=,vsz=,rss=", "-p", children.pids.map(String.init).joined(separator: ",")])
        let after = try Self.ours()
        for pid in children.pids {
            let theirs = try #require(top[pid], "top printed no row for \(pid)")
            #expect(Self.between(theirs.0, Self.kib(before[pid], "virt_bytes"), Self.kib(after[pid], "virt_bytes")), "VIRT \(pid)")
            #expect(Self.between(theirs.1, Self.kib(before[pid], "res_bytes"), Self.kib(after[pid], "res_bytes")), "RES \(pid)")
            #expect(Self.between(theirs.2, Self.kib(before[pid], "shr_bytes"), Self.kib(after[pid], "shr_bytes")), "SHR \(pid)")
            let psRow = try #require(ps.stdout.split(separator: "\n").map { $0.split(separator: " ") }
                .first { $0.first.map(String.init) == String(pid) })
            #expect(Self.between(Int(psRow[1]), Self.kib(before[pid], "virt_bytes"), Self.kib(after[pid], "virt_bytes")), "VSZ \(pid)")
            #expect(Self.between(Int(psRow[2]), Self.kib(before[pid], "res_bytes"), Self.kib(after[pid], "res_bytes")), "RSS \(pid)")
        }
        let allocator = try #require(before[children.allocator.processIdentifier])
        #expect((allocator["res_bytes"] as? Int).map { $0 >= 50 << 20 } == true)
        #expect(allocator["command"] as? String == "python3")
        #expect((allocator["cmdline"] as? String)?.hasSuffix(children.marker) == true)
    }

    @Test func pssUssSwapMatchSmem() throws {
        let children = try Children()
        let before = try Self.ours()
        let smem = try ExternalCommand.run("smem", ["-H", "-c", "pid pss uss swap", "-P", "\(children.marker)|^/bin/sleep 3017"])
        let after = try Self.ours()
        var seen = 0
        for line in smem.stdout.split(separator: "\n") {
            let fields = line.split(separator: " ").compactMap { Int($0) }
            guard fields.count == 4, let pid = Int32(exactly: fields[0]), children.pids.contains(pid) else { continue }
            seen += 1
            let mappings = try String(contentsOfFile: "/proc/\(pid)/maps", encoding: .utf8).split(separator: "\n").count
            let (pss, uss, swap) = (fields[1], fields[2], fields[3])
            func range(_ key: String) -> (Int, Int) {
                let a = Self.kib(before[pid], key) ?? 0, b = Self.kib(after[pid], key) ?? 0
                return (min(a, b), max(a, b))
            }
            // smem observes itself: its own python3 maps the same interpreter
            // and libraries while it reads, so file pages private to the child
            // (counted in USS) turn shared, and shared ones are divided among
            // one more process (PSS), for as long as smem runs. Both effects
            // are bounded by the child's resident file pages (SHR); the
            // anonymous memory (the 50 MiB) is not touched by them.
            let shr = range("shr_bytes").1
            let (pssLow, pssHigh) = range("pss_bytes")
            #expect(pss <= pssHigh && pss + mappings + shr / 2 >= pssLow,
                    "PSS \(pid): smem \(pss), ours \(pssLow)…\(pssHigh), \(mappings) mappings, SHR \(shr)")
            let (ussLow, ussHigh) = range("uss_bytes")
            #expect(uss <= ussHigh && uss + shr >= ussLow, "USS \(pid): smem \(uss), ours \(ussLow)…\(ussHigh), SHR \(shr)")
            #expect(Self.between(swap, Self.kib(before[pid], "swap_bytes"), Self.kib(after[pid], "swap_bytes")), "Swap \(pid)")
            if pid == children.allocator.processIdentifier { #expect(uss >= 50 << 10, "the 50 MiB are private to it") }
        }
        #expect(seen == 2, "smem printed:\n\(smem.stdout)\(smem.stderr)")
    }

    /// As `nobody`, the built binary still lists every process (status is
    /// world-readable), has PSS for its own, and says how many it could not read.
    @Test func nonRootShowsItsOwnAndCountsTheRest() throws {
        let result = try ExternalCommand.run(BuiltBinary.path, ["ps", "--json"], asUser: "65534")
        #expect(result.exitCode == 0, "\(result.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let processes = try #require(document["processes"] as? [Row])
        let own = processes.filter { $0["user"] as? String == "nobody" }
        #expect(!own.isEmpty)
        #expect(own.contains { $0["command"] as? String == "memsleuth" && $0["pss_bytes"] is Int })
        let unreadable = try #require(document["unreadable"] as? Int)
        #expect(unreadable > 0)
        #expect(processes.contains { $0["user"] as? String == "root" && $0["pss_bytes"] is NSNull && $0["res_bytes"] is Int })

        let text = try ExternalCommand.run(BuiltBinary.path, ["ps"], asUser: "65534")
        #expect(text.exitCode == 0)
        #expect(text.stdout.contains("unreadable: ") && text.stdout.contains("(permission denied"))
    }
}
