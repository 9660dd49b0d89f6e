import KernelFiles
import MemoryModel
import Testing
import TestSupport

/// Expected figures worked out by hand from each fixture's meminfo (in kB,
/// then × 1024), by procps-ng 4.0.2's rules (FreeSummary's doc comment).
@Suite struct FreeSummaryTests {
    private func summary(_ kernel: String) throws -> FreeSummary {
        FreeSummary(try Fixtures.kernel(kernel).meminfo(buffer: ReadBuffer()))
    }

    @Test func incidentHostWithoutMemAvailableFallsBackToMemFree() throws {
        let s = try summary("linux-2.6.32-rhel6")
        let kB: UInt64 = 1024
        #expect(s.total == 65_922_868 * kB)
        #expect(s.free == 9_001_452 * kB)
        // No MemAvailable before 3.14: procps 4 takes MemFree, so used = MemTotal − MemFree
        // and 38.5 GB of reclaimable dentry slab shows as "used": the incident's false alarm.
        #expect(s.available == 9_001_452 * kB)
        #expect(s.availableEstimated)
        #expect(s.used == (65_922_868 - 9_001_452) * kB)          // 56921416 kB
        #expect(s.shared == 1_044 * kB)
        #expect(s.buffers == 412_336 * kB)
        #expect(s.cache == (3_207_144 + 38_506_072) * kB)         // Cached + SReclaimable
        #expect(s.buffCache == (412_336 + 3_207_144 + 38_506_072) * kB)
        #expect(s.swapTotal == 8_388_600 * kB && s.swapUsed == 0 && s.swapFree == 8_388_600 * kB)
        #expect(s.lowTotal == 65_922_868 * kB && s.lowFree == 9_001_452 * kB, "no highmem split: Low = Mem")
        #expect(s.highTotal == 0 && s.highUsed == 0)
        #expect(s.commitFree == Int64((41_350_034 - 15_912_244) * 1024))
    }

    @Test func procps3EstimateForTheIncidentHost() throws {
        let meminfo = try Fixtures.kernel("linux-2.6.32-rhel6").meminfo(buffer: ReadBuffer())
        // watermark_low = 90112 * 5 / 4 = 112640 kB
        // MemFree − wl + file − min(file/2, wl) + SReclaimable − min(SReclaimable/2, wl)
        // = 9001452 − 112640 + 3194912 − 112640 + 38506072 − 112640 = 50364516 kB
        let estimate = FreeSummary.legacyAvailableEstimate(meminfo, minFreeBytes: 90_112 * 1024)
        #expect(estimate == 50_364_516 * 1024)
        #expect(FreeSummary.legacyAvailableEstimate(meminfo, minFreeBytes: nil) == nil)
    }

    @Test(arguments: [
        // kernel, MemTotal, MemAvailable, Buffers, Cached, SReclaimable, SwapTotal, SwapFree (kB)
        ("linux-3.10-rhel7", 16_266_236, 12_885_752, 2_108, 5_742_772, 403_352, 8_257_532, 8_201_980),
        ("linux-4.19-debian10", 8_167_848, 5_937_636, 219_356, 4_281_380, 339_560, 999_420, 963_836),
        ("linux-5.15-ubuntu22", 32_772_888, 27_660_308, 612_344, 8_544_208, 561_596, 2_097_148, 2_097_148),
    ] as [(String, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)])
    func kernelsWithMemAvailable(
        _ kernel: String, _ total: UInt64, _ available: UInt64, _ buffers: UInt64, _ cached: UInt64,
        _ reclaimable: UInt64, _ swapTotal: UInt64, _ swapFree: UInt64
    ) throws {
        let s = try summary(kernel)
        #expect(!s.availableEstimated)
        #expect(s.available == available * 1024)
        #expect(s.used == (total - available) * 1024)
        #expect(s.cache == (cached + reclaimable) * 1024)
        #expect(s.buffCache == (buffers + cached + reclaimable) * 1024)
        #expect(s.swapUsed == (swapTotal - swapFree) * 1024)
    }

    @Test(arguments: Fixtures.kernelNames)
    func figuresAddUpOnEveryKernel(_ kernel: String) throws {
        let s = try summary(kernel)
        let total = try #require(s.total)
        #expect(s.used.map { $0 <= total } == true)
        #expect(s.available.map { $0 <= total } == true)
    }

    private func meminfo(_ text: String) throws -> Meminfo { try parseText(text, Meminfo.parse) }

    @Test func availableAboveTotalIsAContainerDistortion() throws {
        // LXC can show the host's MemAvailable: procps then takes MemFree.
        let s = FreeSummary(try meminfo("MemTotal: 1000 kB\nMemFree: 300 kB\nMemAvailable: 5000 kB\n"))
        #expect(s.available == 300 * 1024)
        #expect(s.used == 700 * 1024)
        #expect(s.availableEstimated)
    }

    @Test func zeroMemAvailableCountsAsAbsent() throws {
        let s = FreeSummary(try meminfo("MemTotal: 1000 kB\nMemFree: 300 kB\nMemAvailable: 0 kB\n"))
        #expect(s.available == 300 * 1024)
        #expect(s.availableEstimated)
    }

    @Test func missingInputsAreNilNotZero() throws {
        let s = FreeSummary(try meminfo("MemTotal: 1000 kB\nMemFree: 300 kB\nMemAvailable: 600 kB\n"))
        #expect(s.shared == nil && s.buffers == nil && s.cache == nil && s.buffCache == nil)
        #expect(s.swapTotal == nil && s.swapUsed == nil && s.swapFree == nil)
        #expect(s.commitFree == nil)
        #expect(s.used == 400 * 1024)
    }

    @Test func swapFreeAboveTotalGivesZeroUsed() throws {
        let s = FreeSummary(try meminfo("MemTotal: 1 kB\nSwapTotal: 10 kB\nSwapFree: 20 kB\n"))
        #expect(s.swapUsed == 0)
    }

    @Test func highmemSplitOn32Bit() throws {
        let s = FreeSummary(try meminfo(
            "MemTotal: 1000 kB\nMemFree: 300 kB\nHighTotal: 200 kB\nHighFree: 50 kB\nLowTotal: 800 kB\nLowFree: 250 kB\n"))
        #expect(s.lowTotal == 800 * 1024 && s.lowUsed == 550 * 1024 && s.lowFree == 250 * 1024)
        #expect(s.highTotal == 200 * 1024 && s.highUsed == 150 * 1024)
    }

    @Test func overcommittedHeadroomIsNegative() throws {
        let s = FreeSummary(try meminfo("MemTotal: 1000 kB\nCommitLimit: 100 kB\nCommitted_AS: 300 kB\n"))
        #expect(s.commitFree == Int64(-200 * 1024))
    }
}

@Suite struct FreeSummaryNullTests {
    @Test func usedAndAvailableAreNullWithoutTheirInputs() throws {
        let s = FreeSummary(try parseText("MemTotal: 1000 kB\nBuffers: 5 kB\n", Meminfo.parse))
        #expect(s.available == nil)
        #expect(s.used == nil)
        #expect(s.total == 1000 * 1024)
    }
}
