import KernelFiles
import Testing
import TestSupport

@Suite struct VmstatTests {
    @Test(arguments: Fixtures.kernelNames)
    func parsesEveryFixtureKernel(_ kernel: String) throws {
        let vmstat = try Fixtures.kernel(kernel).vmstat(buffer: ReadBuffer())
        // Every generation since 2.6 has the four counters vmstat's columns use.
        #expect(vmstat.pgpginKilobytes != nil)
        #expect(vmstat.pgpgoutKilobytes != nil)
        #expect(vmstat.pswpinPages != nil)
        #expect(vmstat.pswpoutPages != nil)
        #expect(vmstat.nrFreePages != nil)
        // Names are unique and kept in the kernel's order.
        #expect(Set(vmstat.fields.map(\.name)).count == vmstat.fields.count)
        #expect(vmstat.fields.first?.name == "nr_free_pages")
    }

    /// Field sets follow the kernel generation: workingset_* arrived in
    /// 3.15 (split per anon/file in 5.9), nr_zone_* in 4.8, oom_kill in 4.13.
    @Test(arguments: [
        ("linux-2.6.32-rhel6", false, false, false),
        ("linux-3.10-rhel7", false, false, false),
        ("linux-4.19-debian10", true, true, true),
        ("linux-5.15-ubuntu22", true, true, true),
        ("linux-6.18-sandbox", true, true, true),
    ])
    func fieldSetsMatchTheirKernel(_ kernel: String, _ workingset: Bool, _ zoneCounters: Bool, _ oomKill: Bool) throws {
        let vmstat = try Fixtures.kernel(kernel).vmstat(buffer: ReadBuffer())
        #expect(vmstat.fields.contains { $0.name.hasPrefix("workingset_") } == workingset)
        #expect((vmstat["nr_zone_active_anon"] != nil) == zoneCounters)
        #expect((vmstat["oom_kill"] != nil) == oomKill)
    }

    @Test func keepsOrderValuesAndUnknownNames() throws {
        let vmstat = try parseText("nr_free_pages 12\npgpgin 18446744073709551615\nsome_future_counter 3\n", Vmstat.parse)
        #expect(vmstat.fields.map(\.name) == ["nr_free_pages", "pgpgin", "some_future_counter"])
        #expect(vmstat.pgpginKilobytes == UInt64.max)
        #expect(vmstat["some_future_counter"] == 3)
        #expect(vmstat["pswpin"] == nil, "a counter the kernel did not print is nil, never 0")
    }

    @Test func aNegativeValueIsUnknownNotAnError() throws {
        let vmstat = try parseText("nr_free_pages 12\nnr_isolated_anon -3\n", Vmstat.parse)
        #expect(vmstat.fields.count == 2)
        #expect(vmstat.fields[1].value == nil)
    }

    @Test(arguments: Fixtures.malformed("vmstat").map(\.name))
    func rejectsMalformedWithFileAndLine(_ name: String) throws {
        let bytes = try #require(Fixtures.malformed("vmstat").first { $0.name == name }?.bytes)
        do {
            _ = try parseBytes(bytes, path: "/proc/vmstat", Vmstat.parse)
            Issue.record("\(name) parsed")
        } catch {
            #expect(error.path == "/proc/vmstat")
            if name != "empty" { #expect(error.line != nil, "\(name): \(error)") }
        }
    }

    @Test func aMissingFileIsNoData() {
        let root = ProcRoot(Fixtures.kernelPath("linux-6.18-sandbox"), io: FaultyIO.failing(["proc/vmstat": .noSuchFileOrDirectory]))
        do {
            _ = try root.vmstat(buffer: ReadBuffer())
            Issue.record("expected an error")
        } catch {
            guard case .read(let read) = error else { Issue.record("\(error)"); return }
            #expect(read.isNoData)
        }
    }
}
