import Foundation
import MemsleuthCLI
import Testing
import TestSupport

/// Parity with procps-ng 4.0.2 `vmstat` on this machine's real kernel.
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/vmstat")))
struct VmstatLiveTests {
    static func procps(_ arguments: [String]) throws -> String {
        try ExternalCommand.run("/usr/bin/vmstat", arguments).stdout
    }

    static func ours(_ arguments: [String]) -> String {
        let result = Invocation.capture(["vmstat"] + arguments)
        return result.stdout
    }

    /// `%13lu label` lines → (label, figure).
    static func table(_ text: String) -> [(label: String, value: Int64)] {
        text.split(separator: "\n").compactMap { line in
            let trimmed = line.drop { $0 == " " }
            guard let space = trimmed.firstIndex(of: " "), let value = Int64(trimmed[..<space]) else { return nil }
            return (String(trimmed[trimmed.index(after: space)...]), value)
        }
    }

    /// Figures that cannot change while the host runs.
    static let fixed: Set<String> = ["K total memory", "K total swap", "boot time"]
    /// Gauges that move both ways: theirs must lie within our two readings
    /// widened by 64 MiB (in KiB), since memory can rise and fall again
    /// between reads — a busy build on the other cores moves page cache by
    /// tens of MiB in the few ms one `vmstat -s` takes.
    static let gauges: Set<String> = [
        "K used memory", "K active memory", "K inactive memory", "K free memory", "K buffer memory",
        "K swap cache", "K used swap", "K free swap",
    ]

    @Test func statsMatchVmstatS() throws {
        let before = Self.table(Self.ours(["-s"]))
        let theirs = Self.table(try Self.procps(["-s"]))
        let after = Self.table(Self.ours(["-s"]))
        #expect(theirs.count == 28, "procps 4.0.2 prints 28 lines")
        #expect(before.map(\.label) == theirs.map(\.label), "same lines, same order, same labels")
        guard before.count == theirs.count, after.count == theirs.count else { return }
        for index in theirs.indices {
            let (label, value) = theirs[index]
            let low = min(before[index].value, after[index].value)
            let high = max(before[index].value, after[index].value)
            if Self.fixed.contains(label) {
                #expect(value == before[index].value && value == after[index].value, "\(label)")
            } else if Self.gauges.contains(label) {
                #expect(value >= low - 65536 && value <= high + 65536, "\(label): \(before[index].value) \(value) \(after[index].value)")
            } else {
                // Counters only grow: theirs was read between our two reads.
                #expect(low <= value && value <= high, "\(label): \(before[index].value) \(value) \(after[index].value)")
            }
        }
    }

    @Test func outputShapeMatchesVmstat() throws {
        let theirs = try Self.procps(["1", "2"]).split(separator: "\n")
        let ours = Self.ours(["1", "2"]).split(separator: "\n")
        #expect(theirs.count == 4 && ours.count == 4)
        guard theirs.count == 4, ours.count == 4 else { return }
        #expect(ours[0] == theirs[0])
        #expect(ours[1] == theirs[1])
        for line in ours[2...] {
            let fields = line.split(separator: " ")
            #expect(fields.count == 17)
            #expect(fields.allSatisfy { UInt64($0) != nil }, "\(line)")
        }
    }

    /// The since-boot line moves slowly: procps's figures lie within our two
    /// readings, ±1 for integer rounding at the edges. r and b are skipped
    /// (instantaneous; r counts the reader itself); memory columns get the
    /// gauge tolerance above.
    @Test func sinceBootLineMatchesVmstat() throws {
        func numbers(_ text: String) -> [Int64] {
            text.split(separator: "\n").last.map { $0.split(separator: " ").compactMap { Int64($0) } } ?? []
        }
        let before = numbers(Self.ours([]))
        let theirs = numbers(try Self.procps([]))
        let after = numbers(Self.ours([]))
        #expect(theirs.count == 17 && before.count == 17 && after.count == 17)
        guard theirs.count == 17, before.count == 17, after.count == 17 else { return }
        for column in 2..<17 {
            let tolerance: Int64 = column < 6 ? 65536 : 1
            let low = min(before[column], after[column]) - tolerance
            let high = max(before[column], after[column]) + tolerance
            #expect(low <= theirs[column] && theirs[column] <= high,
                    "column \(column): \(before[column]) \(theirs[column]) \(after[column])")
        }
    }
}
