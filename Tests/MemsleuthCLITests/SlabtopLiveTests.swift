import Foundation
import MemsleuthCLI
import Testing
import TestSupport

/// `memsleuth slabtop --once` against procps-ng's `slabtop -o` on this host's
/// own /proc/slabinfo (both need root).
///
/// Slab figures move between two reads, so each comparison reads ours, then
/// theirs, then ours again:
/// - a row that did not change between our two reads must be byte-for-byte
///   the row slabtop printed (up to 3 exceptions: a cache that moved and came
///   back within the window);
/// - moving counts must lie between our two reads, widened by a slack of two
///   slabs' worth of objects (or two slabs) for a cache that went up and down
///   again inside the window — allocation bursts on a quiet host stay well inside;
/// - figures that do not move (OBJ SIZE, OBJ/SLAB, pages per slab, the
///   header labels, the heading line) must be equal, and USE must be the
///   procps formula applied to slabtop's own OBJS and ACTIVE.
@Suite(.enabled(if: getuid() == 0 && ExternalCommand.exists("slabtop"), "needs root and procps slabtop"))
struct SlabtopLiveTests {
    struct Row: Equatable {
        var line: String
        var objs: UInt64, active: UInt64, use: UInt64, objSize: String, slabs: UInt64, objPerSlab: UInt64, cacheKB: UInt64
        var name: String

        init?(_ line: Substring) {
            let fields = line.split(separator: " ")
            guard fields.count == 8, let objs = UInt64(fields[0]), let active = UInt64(fields[1]),
                  let use = UInt64(fields[2].dropLast()), let slabs = UInt64(fields[4]),
                  let perSlab = UInt64(fields[5]), let cache = UInt64(fields[6].dropLast())
            else { return nil }
            self.line = String(line)
            self.objs = objs; self.active = active; self.use = use; self.objSize = String(fields[3])
            self.slabs = slabs; self.objPerSlab = perSlab; self.cacheKB = cache; self.name = String(fields[7])
        }
    }

    struct Output {
        var header: [String]
        var heading: String
        var rows: [String: Row]
        var order: [String]

        init(_ text: String) {
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            header = lines.prefix(5).map(String.init)
            heading = lines.count > 6 ? String(lines[6]) : ""
            rows = [:]
            order = []
            for line in lines.dropFirst(7) {
                guard let row = Row(line) else { continue }
                rows[row.name] = row
                order.append(row.name)
            }
        }

        /// The numbers of a header line: "a / b (c%)".
        func numbers(_ index: Int) -> [Double] {
            guard index < header.count, let colon = header[index].firstIndex(of: ":") else { return [] }
            return header[index][header[index].index(after: colon)...]
                .split(whereSeparator: { " /()%K".contains($0) }).compactMap { Double($0) }
        }
    }

    func theirs(_ arguments: [String]) throws -> Output {
        let result = try ExternalCommand.run("/usr/bin/slabtop", arguments,
                                             environment: ["LC_ALL": "C", "PATH": "/usr/bin:/bin"])
        #expect(result.exitCode == 0, "\(result.stderr)")
        return Output(result.stdout)
    }

    func ours(_ arguments: [String]) -> Output {
        let result = Invocation.capture(["slabtop"] + arguments)
        #expect(result.exitCode == 0, "\(result.stderr)")
        return Output(result.stdout)
    }

    func between(_ value: UInt64, _ a: UInt64, _ b: UInt64, slack: UInt64) -> Bool {
        let low = min(a, b)
        return value + slack >= low && value <= max(a, b) + slack
    }

    /// The moving figures of one ours–theirs–ours round that fall outside
    /// what the two reads allow.
    func movingFigureProblems(_ first: Output, _ procps: Output, _ second: Output) -> [String] {
        var problems: [String] = []
        for index in [0, 1, 2] {
            let (a, t, b) = (first.numbers(index), procps.numbers(index), second.numbers(index))
            guard a.count == 3, t.count == 3, b.count == 3 else {
                problems.append("header line \(index) unreadable: \(procps.header[index])")
                continue
            }
            for column in 0..<2 {
                let slack = max(a[column], b[column]) * 0.01  // 1% of the host total, for churn in the window
                if !(t[column] >= min(a[column], b[column]) - slack && t[column] <= max(a[column], b[column]) + slack) {
                    problems.append("header \(index) column \(column): ours \(a[column]) then \(b[column]), slabtop \(t[column])")
                }
            }
        }
        var identicalMismatches: [String] = []
        for (name, theirRow) in procps.rows {
            guard let a = first.rows[name], let b = second.rows[name] else {
                problems.append("\(name) is in slabtop's output but not in ours")
                continue
            }
            if a == b && a.line != theirRow.line { identicalMismatches.append("ours: \(a.line)\nslabtop: \(theirRow.line)") }
            // slabtop is itself a new process while it reads: its exec, its
            // mappings and open files allocate objects (maple_node,
            // vm_area_struct, anon_vma, filp …, ~100 maple nodes measured)
            // that exist only while it runs and so are in its figures, not
            // in ours. Hence at least 256 objects besides two slabs' worth.
            let objectSlack = max(2 * max(a.objPerSlab, 1), 256)
            if !between(theirRow.objs, a.objs, b.objs, slack: objectSlack) { problems.append("\(name) OBJS \(a.objs) \(theirRow.objs) \(b.objs)") }
            if !between(theirRow.active, a.active, b.active, slack: objectSlack) { problems.append("\(name) ACTIVE \(a.active) \(theirRow.active) \(b.active)") }
            if !between(theirRow.slabs, a.slabs, b.slabs, slack: 2) { problems.append("\(name) SLABS \(a.slabs) \(theirRow.slabs) \(b.slabs)") }
        }
        if identicalMismatches.count > 3 { problems.append(contentsOf: identicalMismatches) }
        return problems
    }

    /// Other tests run in parallel and churn the slab (a cache can rise and
    /// fall again between our two reads, beyond any fair slack), so the
    /// moving figures get up to five rounds and one must be clean; a wrong
    /// formula fails all five. Figures that do not move are checked on every round.
    @Test func everyCacheRowAndTheHeaderAgreeWithSlabtop() throws {
        var lastProblems: [String] = []
        for _ in 0..<5 {
            let first = ours(["--once"])
            let procps = try theirs(["-o"])
            let second = ours(["--once"])
            checkFixedFigures(first, procps)
            lastProblems = movingFigureProblems(first, procps, second)
            if lastProblems.isEmpty { return }
            usleep(300_000)  // let a burst from a parallel test settle before the next round
        }
        Issue.record("no clean round in five; the last:\n\(lastProblems.joined(separator: "\n"))")
    }

    func checkFixedFigures(_ first: Output, _ procps: Output) {
        #expect(procps.rows.count > 50)
        #expect(first.heading == procps.heading, "the heading line, trailing padding included")
        for index in 0..<5 {
            let label = { (line: String) in line.prefix(while: { $0 != ":" }) }
            #expect(label(first.header[index]) == label(procps.header[index]))
        }
        // Minimum / Maximum object sizes do not move; caches rarely do.
        let minMax = (first.numbers(4), procps.numbers(4))
        #expect(minMax.0.first == minMax.1.first && minMax.0.last == minMax.1.last)
        for (name, theirRow) in procps.rows {
            guard let a = first.rows[name] else { continue }
            #expect(theirRow.objSize == a.objSize && theirRow.objPerSlab == a.objPerSlab, "\(name)")
            // CACHE SIZE / SLABS is pages per slab × page size: fixed per cache.
            if theirRow.slabs > 0 && a.slabs > 0 {
                #expect(theirRow.cacheKB * a.slabs == a.cacheKB * theirRow.slabs, "\(name) CACHE SIZE per slab")
            }
            // USE from slabtop's own counts with procps' float formula.
            let use = theirRow.objs == 0 ? 0 : UInt64(Float(100) * (Float(theirRow.active) / Float(theirRow.objs)))
            #expect(theirRow.use == use, "\(name) USE")
        }
    }

    @Test func nameOrderMatchesSlabtopSortN() throws {
        let first = ours(["--once", "--sort", "name"])
        let procps = try theirs(["-o", "-s", "n"])
        let second = ours(["--once", "--sort", "name"])
        // Caches come and go rarely; when the set is unchanged the order must be identical.
        if first.order == second.order && Set(first.order) == Set(procps.order) {
            #expect(first.order == procps.order)
        }
    }
}
