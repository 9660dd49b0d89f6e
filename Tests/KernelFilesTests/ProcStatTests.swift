import KernelFiles
import Testing
import TestSupport

@Suite struct ProcStatTests {
    @Test(arguments: Fixtures.kernelNames)
    func parsesEveryFixtureKernel(_ kernel: String) throws {
        let stat = try Fixtures.kernel(kernel).procStat(buffer: ReadBuffer())
        let cpu = try #require(stat.cpu)
        #expect(cpu.idle > 0)
        #expect(cpu.iowait != nil && cpu.steal != nil && cpu.guest != nil)
        #expect(stat.interrupts != nil && stat.contextSwitches != nil && stat.bootTime != nil)
        #expect(stat.processes != nil && stat.procsRunning != nil && stat.procsBlocked != nil)
    }

    /// guest_nice arrived in 2.6.33: the 2.6.32 fixture prints 9 columns.
    @Test func olderKernelsLackGuestNice() throws {
        let old = try Fixtures.kernel("linux-2.6.32-rhel6").procStat(buffer: ReadBuffer())
        #expect(old.cpu?.guest != nil)
        #expect(old.cpu?.guestNice == nil)
        let new = try Fixtures.kernel("linux-5.15-ubuntu22").procStat(buffer: ReadBuffer())
        #expect(new.cpu?.guestNice != nil)
    }

    @Test func readsTheFiguresVmstatNeeds() throws {
        let stat = try parseText("""
            cpu  17029 1 6152 90297 869 2 72 26 3 4
            cpu0 6997 0 2797 47333 53 0 18 12 0 0
            intr 307616 0 0 5
            ctxt 533426
            btime 1795594627
            processes 23893
            procs_running 3
            procs_blocked 1
            softirq 163539 0 19671
            """, ProcStat.parse)
        #expect(stat.cpu == ProcStat.CPUTicks(user: 17029, nice: 1, system: 6152, idle: 90297, iowait: 869, irq: 2,
                                              softirq: 72, steal: 26, guest: 3, guestNice: 4))
        #expect(stat.interrupts == 307_616)
        #expect(stat.contextSwitches == 533_426)
        #expect(stat.bootTime == 1_795_594_627)
        #expect(stat.processes == 23893)
        #expect(stat.procsRunning == 3)
        #expect(stat.procsBlocked == 1)
    }

    @Test func fourColumnsOfA24KernelLeaveTheRestNil() throws {
        let stat = try parseText("cpu  1 2 3 4\nctxt 9\n", ProcStat.parse)
        #expect(stat.cpu?.iowait == nil)
        #expect(stat.cpu?.steal == nil)
        #expect(stat.procsRunning == nil)
    }

    @Test(arguments: Fixtures.malformed("stat").map(\.name))
    func rejectsMalformedWithFileAndLine(_ name: String) throws {
        let bytes = try #require(Fixtures.malformed("stat").first { $0.name == name }?.bytes)
        do {
            _ = try parseBytes(bytes, path: "/proc/stat", ProcStat.parse)
            Issue.record("\(name) parsed")
        } catch {
            #expect(error.path == "/proc/stat")
            if name != "empty" { #expect(error.line != nil, "\(name): \(error)") }
        }
    }
}
