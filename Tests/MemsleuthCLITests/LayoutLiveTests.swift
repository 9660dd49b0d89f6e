import Foundation
import KernelFiles
@testable import MemsleuthCLI
import Testing
import TestSupport

/// Tests/Fixtures/programs/layout-probe.c, built into a temporary directory
/// and running until `stop()`: a child with a known layout (1 MiB BSS,
/// a touched heap page, an untouched mapping, a deleted mapping, THP).
private final class LiveProbe {
    let process = Foundation.Process()
    let binary: String
    let addresses: [String: UInt64]
    var pid: Int32 { process.processIdentifier }

    init() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("memsleuth-live-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        binary = directory.appendingPathComponent("layout-probe").path
        let build = try ExternalCommand.run("cc", ["-O0", "-o", binary, Fixtures.directory + "/programs/layout-probe.c"])
        guard build.exitCode == 0 else { throw ProbeFailure(message: build.stderr) }
        process.executableURL = URL(fileURLWithPath: binary)
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = pipe.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line += chunk
        }
        var found: [String: UInt64] = [:]
        for token in String(decoding: line, as: UTF8.self).split(whereSeparator: { $0 == " " || $0 == "\n" }) {
            let parts = token.split(separator: "=", maxSplits: 1)
            guard parts.count == 2 else { continue }
            let value = parts[1].hasPrefix("0x") ? UInt64(parts[1].dropFirst(2), radix: 16) : UInt64(parts[1])
            if let value { found[String(parts[0])] = value }
        }
        addresses = found
    }

    func stop() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        try? FileManager.default.removeItem(atPath: (binary as NSString).deletingLastPathComponent)
    }

    struct ProbeFailure: Error { var message: String }
}

private func json(_ text: String) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
}

private func number(_ value: Any?) -> UInt64? { (value as? NSNumber)?.uint64Value }

private func hex(_ value: Any?) -> UInt64? {
    guard let text = value as? String, text.hasPrefix("0x") else { return nil }
    return UInt64(text.dropFirst(2), radix: 16)
}

/// Live parity on this machine's kernel: our layout against `pmap -x` and
/// `nm`, our smaps totals against the kernel's smaps_rollup, our pagemap walk
/// against what the probe did to its pages. Needs root (pagemap PFNs, other
/// users) and cc.
@Suite(.serialized, .enabled(if: getuid() == 0 && ExternalCommand.exists("cc") && ExternalCommand.exists("pmap")))
struct LayoutLiveTests {
    @Test func bssOfTheProbeIsWhereNmPutsBig() throws {
        let probe = try LiveProbe()
        defer { probe.stop() }
        let result = Invocation.capture(["layout", String(probe.pid), "--json"])
        #expect(result.exitCode == 0, "\(result.stderr)")
        let document = try json(result.stdout)
        #expect(document["executable_available"] as? Bool == true)
        let bss = try #require(document["bss"] as? [String: Any])
        #expect(bss["source"] as? String == "elf")
        let start = try #require(hex(bss["start"])), end = try #require(hex(bss["end"]))
        let big = try #require(probe.addresses["big"])
        #expect(try #require(number(bss["size"])) >= 1 << 20)
        #expect(start <= big && big + (1 << 20) <= end, "big[1 << 20] lies inside the BSS we report")
        // nm's link-time address of `big` plus our load bias is its run-time address.
        let bias = try #require(hex(document["load_bias"]))
        let nm = try ExternalCommand.run("nm", [probe.binary])
        if let line = nm.stdout.split(separator: "\n").first(where: { $0.hasSuffix(" big") }),
           let linked = UInt64(line.split(separator: " ").first ?? "", radix: 16) {
            #expect(linked + bias == big)
        }
        let sections = try #require(document["sections"] as? [[String: Any]])
        let bssSection = try #require(sections.first { $0["name"] as? String == ".bss" })
        #expect(hex(bssSection["start"]).map { $0 <= big } == true)
        let regions = (document["segments"] as? [[String: Any]])?.compactMap { $0["region"] as? String } ?? []
        for region in ["text", "data", "bss", "heap", "stack", "library", "anonymous", "vdso"] {
            #expect(regions.contains(region), "\(region)")
        }
    }

    /// pmap -x's total line (Kbytes, RSS, Dirty). Kbytes must match exactly;
    /// RSS and Dirty of an idle child are stable (it sleeps in pause() after
    /// touching its pages), so ours is read before and after pmap's and all
    /// three must agree.
    @Test(arguments: ["probe", "sleep"])
    func totalsEqualPmapX(_ kind: String) throws {
        let probe: LiveProbe? = kind == "probe" ? try LiveProbe() : nil
        let sleeper = kind == "sleep" ? Foundation.Process() : nil
        if let sleeper {
            sleeper.executableURL = URL(fileURLWithPath: "/bin/sleep")
            sleeper.arguments = ["300"]
            try sleeper.run()
            usleep(200_000)
        }
        defer {
            probe?.stop()
            if let sleeper { kill(sleeper.processIdentifier, SIGKILL); sleeper.waitUntilExit() }
        }
        let pid = probe?.pid ?? sleeper?.processIdentifier ?? 0
        func ours() throws -> [UInt64] {
            let result = Invocation.capture(["layout", String(pid), "--json"])
            let totals = try #require(try json(result.stdout)["totals"] as? [String: Any])
            return [number(totals["size"]), number(totals["rss"]), number(totals["dirty"])].map { ($0 ?? 0) / 1024 }
        }
        let before = try ours()
        let pmap = try ExternalCommand.run("pmap", ["-x", String(pid)])
        let after = try ours()
        let totalLine = try #require(pmap.stdout.split(separator: "\n").last { $0.hasPrefix("total kB") })
        let theirs = totalLine.split(separator: " ").dropFirst(2).compactMap { UInt64($0) }
        #expect(theirs.count == 3)
        #expect(before == theirs, "pmap -x: \(totalLine)")
        #expect(after == theirs)
    }

    /// Our smaps totals are the sums the kernel itself makes in smaps_rollup
    /// (Pss within 1 kB per mapping: the kernel sums before rounding to kB).
    /// Shared/private and Pss move when any other process maps or unmaps the
    /// same libc pages (other builds run on this machine), so we read the
    /// rollup, ours, the rollup again, and compare only in a window where the
    /// two rollups agree — up to 10 tries.
    @Test func smapsTotalsEqualTheRollup() throws {
        let probe = try LiveProbe()
        defer { probe.stop() }
        func rollup() throws -> Smaps.Mapping {
            try #require(try ProcRoot().smaps(pid: probe.pid, buffer: ReadBuffer(), rollup: true).mappings.first)
        }
        for attempt in 1...10 {
            let first = try rollup()
            let document = try json(Invocation.capture(["smaps", String(probe.pid), "--json"]).stdout)
            let second = try rollup()
            guard first == second else { continue }
            let totals = try #require(document["totals"] as? [String: Any])
            let count = UInt64((document["mappings"] as? [Any])?.count ?? 0)
            #expect(number(totals["rss"]) == first.rss)
            #expect(number(totals["shared_clean"]) == first.sharedClean)
            #expect(number(totals["shared_dirty"]) == first.sharedDirty)
            #expect(number(totals["private_clean"]) == first.privateClean)
            #expect(number(totals["private_dirty"]) == first.privateDirty)
            #expect(number(totals["swap"]) == first.swap)
            #expect(number(totals["anon_huge_pages"]) == first.anonHugePages)
            let pss = try #require(number(totals["pss"])), kernelPss = try #require(first.pss)
            #expect(pss <= kernelPss && kernelPss - pss <= count * 1024, "attempt \(attempt)")
            return
        }
        Issue.record("smaps_rollup never held still for one read of ours")
    }

    @Test func touchedHeapPageIsPresentWithAFrameAndUntouchedIsNot() throws {
        let probe = try LiveProbe()
        defer { probe.stop() }
        let heap = try #require(probe.addresses["heap"])
        let touched = try json(Invocation.capture(["pagemap", String(probe.pid), "0x" + String(heap, radix: 16), "--json"]).stdout)
        let entry = try #require(touched["entry"] as? [String: Any])
        #expect(entry["present"] as? Bool == true)
        #expect(number(entry["pfn"]).map { $0 > 0 } == true)
        #expect(entry["pfn_hidden"] as? Bool == false)
        #expect(touched["kpageflags"] is [String: Any], "root reads /proc/kpageflags")
        #expect((touched["mapping"] as? [String: Any])?["path"] as? String == "[heap]")

        let untouched = try #require(probe.addresses["untouched"])
        let page = try json(Invocation.capture(["pagemap", String(probe.pid), String(untouched + 8192), "--json"]).stdout)
        #expect((page["entry"] as? [String: Any])?["present"] as? Bool == false)
        #expect((page["entry"] as? [String: Any])?["pfn"] is NSNull)

        let thp = try #require(probe.addresses["thp"])
        let huge = try json(Invocation.capture(["pagemap", String(probe.pid), String(thp), "--json"]).stdout)
        if (try? String(contentsOfFile: "/sys/kernel/mm/transparent_hugepage/enabled", encoding: .utf8))?.contains("never]") == false {
            #expect(huge["huge"] as? Bool == true, "madvise(MADV_HUGEPAGE) + touch gives a THP")
        }
    }

    /// As nobody, on its own child: the kernel zeroes the PFN (Linux 4.0+), and we say so.
    /// The child is stopped with SIGKILL: under the test runner SIGTERM arrives ignored
    /// (the disposition is inherited across exec) and `kill $p` left it running for 30 s.
    @Test func withoutRootThePfnIsReportedHidden() throws {
        let script = """
            /bin/sleep 30 >/dev/null 2>&1 & p=$!; /bin/sleep 0.3
            a=$(/usr/bin/awk '/\\[stack\\]/ { split($1, r, "-"); print r[2] }' /proc/$p/maps)
            \(BuiltBinary.path) pagemap $p $((0x$a - 8)) --json; code=$?
            kill -9 $p; exit $code
            """
        let result = try ExternalCommand.run("/bin/sh", ["-c", script], asUser: "65534")
        #expect(result.exitCode == 0, "\(result.stderr)")
        let document = try json(result.stdout)
        let entry = try #require(document["entry"] as? [String: Any])
        #expect(entry["present"] as? Bool == true)
        #expect(entry["pfn"] is NSNull)
        #expect(entry["pfn_hidden"] as? Bool == true)
        let unavailable = try #require(document["unavailable"] as? [[String: Any]])
        #expect(unavailable.contains { ($0["remedy"] as? String)?.contains("root") == true })
    }
}
