import KernelFiles
import SystemPackage
import Testing
import TestSupport

@Suite struct MeminfoTests {
    @Test(arguments: Fixtures.kernelNames)
    func parsesEveryFixtureKernel(_ kernel: String) throws {
        let meminfo = try Fixtures.kernel(kernel).meminfo(buffer: ReadBuffer())
        let total = try #require(meminfo.memTotal)
        #expect(total > 0)
        #expect(meminfo.memFree.map { $0 <= total } == true)
        // Every kB line became bytes: a multiple of 1024.
        for field in meminfo.fields where field.isBytes { #expect(field.value % 1024 == 0) }
    }

    @Test func convertsKilobytesToBytesAndKeepsCounts() throws {
        let meminfo = try parseText("MemTotal:       65922868 kB\nHugePages_Total:      12\n", Meminfo.parse)
        #expect(meminfo.memTotal == 65_922_868 * 1024)
        #expect(meminfo["HugePages_Total"] == 12)
        #expect(meminfo.fields[1].isBytes == false)
        #expect(meminfo.memAvailable == nil, "a field the kernel did not print is nil, never 0")
    }

    @Test func readsPerNodeFiles() throws {
        let meminfo = try parseText("Node 0 MemTotal:       24594812 kB\nNode 0 HugePages_Free:      0\n", Meminfo.parse)
        #expect(meminfo.memTotal == 24_594_812 * 1024)
        #expect(meminfo["HugePages_Free"] == 0)
    }

    @Test(arguments: [
        ("", "empty file"),
        ("MemTotal 123 kB\n", "missing colon"),
        ("MemTotal: abc kB\n", "non-numeric"),
        ("MemTotal: 12 MB\n", "unknown unit"),
        ("MemTotal: 99999999999999999999 kB\n", "beyond 64 bits"),
        ("MemTotal: 18014398509481984 kB\n", "bytes beyond 64 bits"),
        ("MemTotal: 12 kB extra\n", "extra column"),
        ("MemTotal:\n", "missing value"),
        ("\u{01}\u{02}\u{ff}garbage\n", "binary garbage"),
    ])
    func rejectsMalformedWithFileAndLine(_ text: String, _ label: String) {
        #expect(throws: ParseError.self, "\(label)") { try parseText(text, path: "/proc/meminfo", Meminfo.parse) }
        do {
            _ = try parseText(text, path: "/proc/meminfo", Meminfo.parse)
        } catch {
            #expect(error.path == "/proc/meminfo")
            if !text.isEmpty { #expect(error.line == 1) }
        }
    }

    @Test func namesTheLineOfALaterError() {
        do {
            _ = try parseText("MemTotal: 1 kB\nMemFree: 2 kB\nBroken\n", path: "/proc/meminfo", Meminfo.parse)
            Issue.record("expected an error")
        } catch {
            #expect(error.line == 3)
            #expect(error.description.contains("/proc/meminfo line 3"))
        }
    }

    @Test func permissionDeniedIsAReadErrorNamingThePath() {
        let root = ProcRoot(Fixtures.kernelPath("linux-6.18-sandbox"), io: FaultyIO.failing(["proc/meminfo": .permissionDenied]))
        #expect(throws: SourceError.read(ReadError(path: root.path("proc/meminfo"), errno: .permissionDenied))) {
            try root.meminfo(buffer: ReadBuffer())
        }
    }

    @Test func readsFilesLargerThanTheBufferWhole() throws {
        // slabinfo is ~25 KiB; a 4 KiB buffer must grow rather than truncate.
        let buffer = ReadBuffer(capacity: 4096)
        try Fixtures.kernel("linux-6.18-sandbox").read("proc/slabinfo", into: buffer)
        #expect(buffer.count > 8192)
    }
}
