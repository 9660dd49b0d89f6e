import KernelFiles
import MemoryModel
import Rendering
import Testing

@Suite struct VmstatViewTests {
    static func row() -> VmstatRow {
        var row = VmstatRow(ratesSince: .boot, unit: .K, r: 3, b: 0, swpd: 0, free: 23_505_216 * 1024,
                            buff: 12_156 * 1024, cache: 994_524 * 1024)
        row.si = 0; row.so = 0; row.bi = 2036; row.bo = 1310; row.interrupts = 269; row.contextSwitches = 466
        row.us = 15; row.sy = 5; row.id = 79; row.wa = 1; row.st = 0
        return row
    }

    @Test func lineIsProcpsLayout() {
        // Printed by procps-ng 4.0.2 `vmstat` on this machine.
        #expect(VmstatView.line(Self.row())
            == " 3  0      0 23505216  12156 994524    0    0  2036  1310  269  466 15  5 79  1  0\n")
        #expect(VmstatView.header.hasPrefix("procs -----------memory---------- ---swap-- -----io---- -system-- ------cpu-----\n"))
    }

    @Test func unknownFiguresAreDashes() {
        var row = Self.row()
        row.bi = nil
        row.us = nil
        let fields = VmstatView.line(row).split(separator: " ")
        #expect(fields[8] == "-")
        #expect(fields[12] == "-")
        #expect(VmstatView.line(row).count == VmstatView.line(Self.row()).count, "a dash keeps the column width")
    }

    @Test func jsonHasEveryKeyNestedAndNullForUnknown() {
        var row = Self.row()
        row.unit = .bytes
        row.si = nil
        let text = VmstatView.json(row).rendered(pretty: false)
        #expect(text.hasPrefix(#"{"rates_since":"boot","procs":{"r":3,"b":0},"memory":{"swpd":0,"free":24069341184,"#))
        #expect(text.contains(#""swap":{"si":null,"so":0}"#))
        #expect(text.contains(#""io":{"bi":2084864,"bo":1341440}"#), "bi/bo as bytes per second")
        #expect(text.contains(#""system":{"in":269,"cs":466}"#))
        #expect(text.contains(#""cpu":{"us":15,"sy":5,"id":79,"wa":1,"st":0}"#))
        #expect(text.hasSuffix(#""pressure":null}"#))
    }

    @Test func pressureJSON() {
        let pressure = Pressure(some: .init(avg10: 0.31, avg60: 0, avg300: 0, totalMicroseconds: 5), full: nil)
        #expect(VmstatView.pressure(pressure).rendered(pretty: false)
            == #"{"some":{"avg10":0.31,"avg60":0,"avg300":0,"total_us":5},"full":null}"#)
    }

    @Test func statsTextIsVmstatS() {
        var sample = VmstatSample()
        sample.total = 24_684_092 * 1024
        sample.pgpginKilobytes = 2_329_649
        sample.bootTime = 1_795_594_627
        let text = VmstatView.stats(VmstatStats(sample), unit: .K)
        let lines = text.split(separator: "\n")
        #expect(lines[0] == "     24684092 K total memory")
        #expect(lines[1] == "            - K used memory")
        #expect(lines.contains("      2329649 K paged in"))
        #expect(lines.contains("   1795594627 boot time"))
        #expect(VmstatView.stats(VmstatStats(sample), unit: .M).hasPrefix("        24105 M total memory\n"))
    }
}
