import Foundation
@testable import MemsleuthCLI
import KernelFiles
import Testing
import TestSupport

/// Live parity on this machine's kernel: `memsleuth numa` against numactl's
/// `numastat -m -n`, and buddyinfo against zoneinfo.
@Suite(.serialized) struct NumaLiveTests {
    /// Runs a tool and returns its stdout, nil when it is not installed.
    private func run(_ tool: String, _ arguments: [String]) throws -> String? {
        guard FileManager.default.isExecutableFile(atPath: tool) else { return nil }
        var environment = ProcessInfo.processInfo.environment
        environment["NUMASTAT_WIDTH"] = "10000000"
        return try ExternalCommand.run(tool, arguments, environment: environment).stdout
    }

    /// The rows of numastat-style tables: label → the numbers on its line.
    /// numastat's "Token X not in hash table." warnings (kernel fields it
    /// does not know) are not rows.
    private func rows(_ text: String) -> [String: [Double]] {
        var rows: [String: [Double]] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("Token ") && !line.hasPrefix(" ") {
            let fields = line.split(separator: " ")
            guard let label = fields.first else { continue }
            let numbers = fields.dropFirst().compactMap { Double($0) }
            guard numbers.count == fields.count - 1, !numbers.isEmpty else { continue }
            rows[String(label)] = numbers
        }
        return rows
    }

    /// Rows that move by the peer's own process footprint (see `mismatches`).
    static let peerFootprintRows: Set<String> = [
        "MemFree", "MemUsed", "AnonPages", "Active", "Inactive", "Active(anon)", "Inactive(anon)",
        "PageTables", "KernelStack", "SecPageTables",
    ]

    private func oursMegabytes() -> [String: [Double]] {
        let result = Invocation.capture(["numa"])
        // Only the two numastat tables, not the raw page counters after them.
        let tables = result.stdout.components(separatedBy: "\nPer-node numastat counters")[0]
        return rows(tables)
    }

    /// One "ours, theirs, ours" round: the cells where numastat's figure was
    /// not between our two reads (with half a hundredth of slack: both sides
    /// print %.2f of MB). nil when numastat is not installed.
    private func mismatches() throws -> [String]? {
        let first = oursMegabytes()
        guard let output = try run("/usr/bin/numastat", ["-m", "-n"]) else { return nil }
        let theirs = rows(output)
        let second = oursMegabytes()
        var problems: [String] = []
        if Set(first.keys) != Set(theirs.keys) {
            problems.append("rows differ: ours \(first.keys.sorted()) numastat \(theirs.keys.sorted())")
        }
        for (label, values) in theirs.sorted(by: { $0.key < $1.key }) {
            guard let a = first[label], let b = second[label], a.count == values.count, b.count == values.count else {
                problems.append("\(label): ours \(first[label] ?? []) numastat \(values)")
                continue
            }
            // numastat is itself a running process while it reads, and we are
            // not reading then: its own anonymous pages, page tables and kernel
            // stack (well under 1 MB) are in its figures and not in ours.
            let slack = Self.peerFootprintRows.contains(label) ? 1.0 : 0.0051
            for index in values.indices {
                let low = min(a[index], b[index]) - slack
                let high = max(a[index], b[index]) + slack
                if values[index] < low || values[index] > high {
                    problems.append("\(label)[\(index)]: ours \(a[index])…\(b[index]), numastat \(values[index])")
                }
            }
        }
        return problems
    }

    @Test func numaMatchesNumastat() throws {
        // "Between our two reads" holds for figures that only grow (numa_hit);
        // MemFree, Active, Slab … go down and up again while other tests run
        // in parallel, so a figure can dip and recover between our reads.
        // A wrong figure is wrong every time: up to five rounds, one must be clean.
        var last: [String] = []
        for _ in 0..<5 {
            guard let problems = try mismatches() else {
                Issue.record("numastat is not installed (apt-get install numactl)")
                return
            }
            if problems.isEmpty { return }
            last = problems
            usleep(300_000)  // let a burst from a parallel test settle before the next round
        }
        Issue.record("numastat -m -n disagreed in five rounds; last: \(last.joined(separator: "; "))")
    }

    @Test func buddyFreePagesMatchZoneinfoPerZone() throws {
        let root = ProcRoot()
        let buffer = ReadBuffer()
        let before = try root.buddyinfo(buffer: buffer)
        let zoneinfo = try root.zoneinfo(buffer: buffer)
        let after = try root.buddyinfo(buffer: buffer)
        // nr_free_pages is a vmstat counter: each CPU may hold up to its
        // stat_threshold (at most 125, mm/vmstat.c calculate_*_threshold)
        // pages of delta not yet folded into the zone's total.
        let drift = Int64(125 * max(1, sysconf(Int32(_SC_NPROCESSORS_CONF))))
        for zone in before.zones {
            let later = try #require(after.zones.first { $0.node == zone.node && $0.zone == zone.zone })
            let info = try #require(zoneinfo.zones.first { $0.node == zone.node && $0.zone == zone.zone })
            let counted = try #require(info[counter: "nr_free_pages"])
            let low = Int64(min(zone.freePages, later.freePages)) - drift
            let high = Int64(max(zone.freePages, later.freePages)) + drift
            #expect(counted >= low && counted <= high, "\(zone.zone): buddy \(zone.freePages)…\(later.freePages), zoneinfo \(counted)")
        }
    }
}
