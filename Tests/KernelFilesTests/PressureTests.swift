import KernelFiles
import Testing
import TestSupport

@Suite struct PressureTests {
    /// PSI arrived in 4.20: the older fixtures have no file, which is
    /// "unavailable" (ENOENT), not an error.
    @Test(arguments: Fixtures.kernelNames)
    func parsesEveryFixtureKernelOrIsAbsent(_ kernel: String) throws {
        let root = Fixtures.kernel(kernel)
        do {
            let pressure = try root.memoryPressure(buffer: ReadBuffer())
            #expect(pressure.full != nil, "memory has a full line since 4.20")
            #expect(pressure.some.avg10 <= 100)
        } catch {
            guard case .read(let read) = error else { Issue.record("\(kernel): \(error)"); return }
            #expect(read.isNoData)
            #expect(["linux-2.6.32-rhel6", "linux-3.10-rhel7", "linux-4.19-debian10"].contains(kernel))
        }
    }

    @Test func readsBothLines() throws {
        let pressure = try parseText(
            "some avg10=0.31 avg60=12.50 avg300=100.00 total=18822139\nfull avg10=0.00 avg60=0.05 avg300=0.01 total=9212270\n",
            Pressure.parse)
        #expect(pressure.some == Pressure.Line(avg10: 0.31, avg60: 12.5, avg300: 100, totalMicroseconds: 18_822_139))
        #expect(pressure.full?.totalMicroseconds == 9_212_270)
    }

    @Test func aSomeOnlyFileHasNoFull() throws {
        // /proc/pressure/cpu before 5.13.
        let pressure = try parseText("some avg10=1.00 avg60=0.00 avg300=0.00 total=5\n", Pressure.parse)
        #expect(pressure.full == nil)
    }

    @Test(arguments: Fixtures.malformed("pressure").map(\.name))
    func rejectsMalformedWithFileAndLine(_ name: String) throws {
        let bytes = try #require(Fixtures.malformed("pressure").first { $0.name == name }?.bytes)
        do {
            _ = try parseBytes(bytes, path: "/proc/pressure/memory", Pressure.parse)
            Issue.record("\(name) parsed")
        } catch {
            #expect(error.path == "/proc/pressure/memory")
            if name != "empty" && name != "missing-some" { #expect(error.line != nil, "\(name): \(error)") }
        }
    }
}
