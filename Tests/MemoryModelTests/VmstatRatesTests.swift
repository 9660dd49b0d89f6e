import KernelFiles
import MemoryModel
import Testing
import TestSupport

@Suite struct VmstatRatesTests {
    /// A since-boot reading from this machine together with what procps-ng
    /// 4.0.2 printed from it (`vmstat -s` and `vmstat` taken back to back).
    static func liveLikeSample() -> VmstatSample {
        var sample = VmstatSample()
        sample.running = 3
        sample.blocked = 0
        sample.swapUsed = 0
        sample.free = 23_505_216 * 1024
        sample.buffers = 12_156 * 1024
        sample.cache = 994_524 * 1024
        sample.cpu = ProcStat.CPUTicks(user: 17028, nice: 0, system: 6152, idle: 90297, iowait: 869, irq: 0,
                                       softirq: 72, steal: 26, guest: 0, guestNice: 0)
        sample.pgpginKilobytes = 2_329_649
        sample.pgpgoutKilobytes = 1_499_168
        sample.pswpinPages = 0
        sample.pswpoutPages = 0
        sample.interrupts = 307_616
        sample.contextSwitches = 533_426
        return sample
    }

    @Test func sinceBootMatchesProcps402() {
        let row = VmstatRow.sinceBoot(Self.liveLikeSample(), hz: 100, pageSize: 4096, unit: .K)
        // procps printed: 3 0 0 23505216 12156 994524 0 0 2036 1310 269 466 15 5 79 1 0
        #expect(row.ratesSince == .boot)
        #expect([row.r, row.b] == [3, 0])
        #expect([row.si, row.so, row.bi, row.bo, row.interrupts, row.contextSwitches] == [0, 0, 2036, 1310, 269, 466])
        #expect([row.us, row.sy, row.id, row.wa, row.st] == [15, 5, 79, 1, 0])
    }

    @Test func ratesBetweenTwoSamplesRoundHalfUpOverTheDelay() {
        let before = Self.liveLikeSample()
        var after = before
        after.pgpginKilobytes = before.pgpginKilobytes.map { $0 + 5 }   // 5 KiB over 2 s: (5+1)/2 = 3
        after.pgpgoutKilobytes = before.pgpgoutKilobytes.map { $0 + 4 } // (4+1)/2 = 2
        after.pswpinPages = 3                                            // 12 KiB: (12+1)/2 = 6
        after.pswpoutPages = 0
        after.interrupts = before.interrupts.map { $0 + 1000 }
        after.contextSwitches = before.contextSwitches.map { $0 + 7 }  // (7+1)/2 = 4
        after.cpu?.user += 30
        after.cpu?.system += 10
        after.cpu?.idle += 150
        after.cpu?.iowait? += 10
        let row = VmstatRow.between(before, after, delay: 2, pageSize: 4096, unit: .K)
        #expect(row.ratesSince == .previous)
        #expect([row.si, row.so, row.bi, row.bo, row.interrupts, row.contextSwitches] == [6, 0, 3, 2, 500, 4])
        // 200 ticks: 30 user, 10 system, 150 idle, 10 iowait.
        #expect([row.us, row.sy, row.id, row.wa, row.st] == [15, 5, 75, 5, 0])
    }

    @Test func aCounterThatWentBackwardsIsUnknownNeverNegative() {
        let before = Self.liveLikeSample()
        var after = before
        after.pgpginKilobytes = 10          // reboot or wrap
        after.contextSwitches = nil         // not printed
        after.cpu?.idle -= 5                // NO_HZ idle running backwards
        let row = VmstatRow.between(before, after, delay: 1, pageSize: 4096, unit: .K)
        #expect(row.bi == nil)
        #expect(row.contextSwitches == nil)
        #expect(row.bo == 0)
        #expect(row.us == nil && row.sy == nil && row.id == nil && row.wa == nil && row.st == nil)
        #expect(row.free == before.free, "gauges are still shown")
    }

    @Test func noTicksAtAllReadsAsIdle() {
        let sample = Self.liveLikeSample()
        let row = VmstatRow.between(sample, sample, delay: 1, pageSize: 4096, unit: .K)
        #expect([row.us, row.sy, row.id, row.wa, row.st] == [0, 0, 100, 0, 0])
    }

    @Test func guestTimeIsTakenOutOfUser() {
        var sample = Self.liveLikeSample()
        sample.cpu = ProcStat.CPUTicks(user: 60, nice: 0, system: 0, idle: 40, guest: 20, guestNice: 0)
        let row = VmstatRow.sinceBoot(sample, hz: 100, pageSize: 4096, unit: .K)
        #expect(row.us == 40)
        #expect(row.id == 40)
    }

    @Test func unitsConvertAsProcpsDoesInFloat() {
        #expect(VmstatUnit.M.convert(kilobytes: 24_684_092) == 24105)
        #expect(VmstatUnit.m.convert(kilobytes: 24_684_092) == 25276)
        #expect(VmstatUnit.k.convert(kilobytes: 1000) == 1024)
        #expect(VmstatUnit.bytes.convert(kilobytes: 3) == 3072)
        // Above 2^24 single precision keeps even numbers only, as vmstat prints.
        #expect(VmstatUnit.K.convert(kilobytes: 16_777_217) == 16_777_216)
    }

    @Test func usedMemoryAsProcps4() throws {
        let modern = try parseText("MemTotal: 1000 kB\nMemFree: 100 kB\nMemAvailable: 600 kB\nCached: 200 kB\nSReclaimable: 50 kB\n", Meminfo.parse)
        let sample = VmstatSample(meminfo: modern, stat: ProcStat(), vmstat: Vmstat(fields: []), pressure: nil)
        #expect(sample.used == 400 * 1024)
        #expect(sample.cache == 250 * 1024)
        // 2.6.32 has no MemAvailable: procps uses MemFree.
        let old = try parseText("MemTotal: 1000 kB\nMemFree: 100 kB\nCached: 200 kB\n", Meminfo.parse)
        let oldSample = VmstatSample(meminfo: old, stat: ProcStat(), vmstat: Vmstat(fields: []), pressure: nil)
        #expect(oldSample.used == 900 * 1024)
        #expect(oldSample.cache == 200 * 1024, "no SReclaimable counts as 0, as procps")
        // An lxc view where available exceeds total.
        let lxc = try parseText("MemTotal: 1000 kB\nMemFree: 300 kB\nMemAvailable: 5000 kB\n", Meminfo.parse)
        #expect(VmstatSample(meminfo: lxc, stat: ProcStat(), vmstat: Vmstat(fields: []), pressure: nil).used == 700 * 1024)
    }

    @Test func statsTableHasProcpsLinesInOrder() {
        let stats = VmstatStats(Self.liveLikeSample())
        #expect(stats.lines.count == 28)
        #expect(stats.lines.first?.label == "total memory")
        #expect(stats.lines.last?.label == "forks")
        #expect(stats.lines.first { $0.key == "paged_in" }?.value == 2_329_649 * 1024)
    }
}
