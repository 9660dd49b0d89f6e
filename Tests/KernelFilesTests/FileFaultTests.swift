import KernelFiles
import Testing
import TestSupport

/// /proc files that misbehave under the reader: one that never ends, one
/// that grows while it is read, one whose read fails with EIO.
@Suite struct FileFaultTests {
    static let kernel = Fixtures.kernelPath("linux-5.15-ubuntu22")

    /// An endless file (meminfo opened as /dev/zero) stops at the buffer's
    /// maximum with an error, never a hang or unbounded memory.
    @Test func anEndlessFileIsCutAtTheMaximumAndRefused() {
        let root = ProcRoot(Self.kernel, io: FaultyIO.replacing("proc/meminfo", with: "/dev/zero"))
        let buffer = ReadBuffer()
        #expect(throws: SourceError.self) { try root.meminfo(buffer: buffer) }
        #expect(buffer.capacity <= ReadBuffer.maximumSize)
    }

    /// Lines appended between reads are parsed with the rest.
    @Test func aFileThatGrowsBetweenReadsIsReadWhole() throws {
        let root = ProcRoot(Self.kernel, io: FaultyIO.growing(appending: Array("Grown:           4 kB\n".utf8), chunk: 512))
        let meminfo = try root.meminfo(buffer: ReadBuffer(capacity: 4096))
        let plain = try ProcRoot(Self.kernel).meminfo(buffer: ReadBuffer())
        #expect(meminfo["MemTotal"] == plain["MemTotal"])
        #expect(meminfo["Grown"] == 4096)
    }

    @Test func eioOnReadIsAnErrorNamingTheFile() {
        let root = ProcRoot(Self.kernel, io: FaultyIO.failingReads(.ioError))
        do {
            _ = try root.meminfo(buffer: ReadBuffer())
            Issue.record("EIO was not reported")
        } catch {
            #expect("\(error)".contains("meminfo") && "\(error)".contains("I/O error"), "\(error)")
        }
    }
}
