import KernelFiles
import MemoryModel
import Rendering
import Testing

@Suite struct PsViewTests {
    static func table(by grouping: ProcessTable.Grouping = .process, top: Int? = nil) -> ProcessTable {
        var sweep = ProcessSweep()
        sweep.rows = [
            ProcessRow(pid: 42, user: "root", uid: 0, command: "python3", cmdline: "python3 -c x", virt: 65316 * 1024,
                       res: 60316 * 1024, shr: 5620 * 1024, pss: 56511 * 1024, uss: 54764 * 1024, swap: 0,
                       startTimeTicks: 144438, cgroup: "/a"),
            ProcessRow(pid: 7, user: "nobody", uid: 65534, command: "sleep", virt: 3 << 20, res: 1 << 20, shr: 1 << 19),
        ]
        sweep.unreadable = 1
        sweep.unavailable = [Unavailable(source: "/proc/9/stat", reason: "I/O error", remedy: nil)]
        return ProcessTable(sweep: sweep, sort: .rss, top: top, grouping: grouping)
    }

    @Test func textIsAlignedWithHumanSizesDashesAndTotals() {
        let text = PsView.text(Self.table())
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines[0].hasPrefix("PID") || lines[0].hasPrefix(" PID"))
        #expect(lines[0].contains("VIRT") && lines[0].hasSuffix("SWAP"))
        #expect(lines[1].contains("python3") && lines[1].contains("58Mi") && lines[1].contains("55Mi"))
        #expect(lines[2].contains("sleep") && lines[2].hasSuffix("-"), "unknown PSS/USS/Swap print as -")
        #expect(lines[3].contains("total"))
        #expect(Set(lines[0...3].map(\.count)).count == 1, "every row is as wide as the header")
        #expect(text.contains("unreadable: 1 (permission denied"))
        #expect(text.contains("unavailable: /proc/9/stat: I/O error"))
        #expect(PsView.text(Self.table(top: 1)).contains("total (top 1 of 2)"))
    }

    @Test func groupedTextHasTheGroupColumn() {
        let text = PsView.text(Self.table(by: .user))
        #expect(text.hasPrefix("USER"))
        #expect(text.contains("PROCS"))
    }

    @Test func jsonKeysAreTheContract() {
        let json = PsView.json(Self.table()).rendered(pretty: false)
        for key in ["\"processes\":[", "\"pid\":42", "\"user\":\"root\"", "\"command\":\"python3\"",
                    "\"cmdline\":\"python3 -c x\"", "\"virt_bytes\":\(65316 * 1024)", "\"res_bytes\":\(60316 * 1024)",
                    "\"shr_bytes\":\(5620 * 1024)", "\"pss_bytes\":\(56511 * 1024)", "\"uss_bytes\":\(54764 * 1024)",
                    "\"swap_bytes\":0", "\"start_time_ticks\":144438", "\"cgroup\":\"/a\"",
                    "\"pss_bytes\":null", "\"start_time_ticks\":null", "\"cgroup\":null",
                    "\"totals\":{\"processes\":2", "\"unreadable\":1",
                    "\"unavailable\":[{\"source\":\"/proc/9/stat\",\"reason\":\"I/O error\",\"remedy\":null}]"] {
            #expect(json.contains(key), "\(key)")
        }
        let grouped = PsView.json(Self.table(by: .cgroup)).rendered(pretty: false)
        #expect(grouped.contains("\"by\":\"cgroup\"") && grouped.contains("\"groups\":[{\"key\":\"/a\",\"processes\":1"))
    }
}
