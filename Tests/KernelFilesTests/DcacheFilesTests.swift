import KernelFiles
import SystemPackage
import Testing
import TestSupport

@Suite struct KernelReleaseTests {
    @Test(arguments: [
        ("2.6.32-754.el6.x86_64", 2, 6, 32),
        ("3.10.0-1160.el7.x86_64", 3, 10, 0),
        ("4.19.0-27-amd64", 4, 19, 0),
        ("5.15.0-91-generic", 5, 15, 0),
        ("6.18.44-fc-v657", 6, 18, 44),
        ("6.1-rc1", 6, 1, 0),          // no patch number
        ("5.0\n", 5, 0, 0),
    ])
    func parsesMajorMinorPatch(_ text: String, _ major: Int, _ minor: Int, _ patch: Int) throws {
        let release = try parseText(text + "\n", path: "/proc/sys/kernel/osrelease", KernelRelease.parse)
        #expect(release == KernelRelease(major, minor, patch))
    }

    @Test(arguments: ["", "\n", "linux\n", "6\n", "-5.15\n", "99999999.1\n", "5.15.0\nextra\n"])
    func rejectsWhatIsNotARelease(_ text: String) {
        #expect(throws: ParseError.self) { try parseText(text, path: "/proc/sys/kernel/osrelease", KernelRelease.parse) }
    }

    @Test func ordersReleases() {
        #expect(KernelRelease(4, 20, 0) < KernelRelease(5, 0, 0))
        #expect(KernelRelease(5, 0, 0).isAtLeast(5, 0))
        #expect(!KernelRelease(4, 19, 300).isAtLeast(5, 0))
    }

    @Test(arguments: Fixtures.kernelNames)
    func everyFixtureHasARelease(_ kernel: String) throws {
        let release = try Fixtures.kernel(kernel).kernelRelease(buffer: ReadBuffer())
        #expect(release.major >= 2)
    }
}

@Suite struct DentryStateTests {
    /// nr_negative is the kernel's only from 5.0; before, the fifth field is a dummy.
    @Test(arguments: Fixtures.kernelNames)
    func parsesEveryFixtureKernel(_ kernel: String) throws {
        let root = Fixtures.kernel(kernel)
        let release = try root.kernelRelease(buffer: ReadBuffer())
        let state = try root.dentryState(buffer: ReadBuffer())
        #expect(state.nrUnused <= state.nrDentry)
        #expect(state.ageLimit == 45)
        if release.isAtLeast(5, 0) {
            #expect(state.nrNegative != nil)
            #expect(state.nrNegativeNote == nil)
        } else {
            #expect(state.nrNegative == nil, "before 5.0 the fifth field is a dummy, never a count")
            #expect(state.nrNegativeNote?.contains("5.0") == true)
        }
    }

    @Test func theIncidentHostHasNoNegativeCount() throws {
        let state = try Fixtures.kernel("linux-2.6.32-rhel6").dentryState(buffer: ReadBuffer())
        #expect(state.nrDentry == 200_523_112)
        #expect(state.nrNegative == nil)
    }

    @Test func fifthFieldDependsOnTheRelease() throws {
        let text = "45207\t30716\t45\t0\t28658\t0\n"
        let new = try parseText(text) { (b, p) throws(ParseError) in try DentryState.parse(b, path: p, release: KernelRelease(5, 0, 0)) }
        #expect(new.nrNegative == 28658)
        let old = try parseText(text) { (b, p) throws(ParseError) in try DentryState.parse(b, path: p, release: KernelRelease(4, 20, 17)) }
        #expect(old.nrNegative == nil)
        let unknown = try parseText(text) { (b, p) throws(ParseError) in try DentryState.parse(b, path: p, release: nil) }
        #expect(unknown.nrNegative == nil)
        #expect(unknown.nrNegativeNote?.contains("unknown") == true)
        #expect(unknown.nrDentry == 45207 && unknown.nrUnused == 30716 && unknown.wantPages == 0)
    }

    @Test func unreadableReleaseGivesNilNegative() throws {
        let root = ProcRoot(Fixtures.kernelPath("linux-5.15-ubuntu22"),
                            io: FaultyIO.failing(["proc/sys/kernel/osrelease": .noSuchFileOrDirectory]))
        let state = try root.dentryState(buffer: ReadBuffer())
        #expect(state.nrNegative == nil)
    }

    @Test(arguments: Fixtures.malformed("dentry-state").map(\.name))
    func rejectsMalformed(_ name: String) throws {
        let bytes = try #require(Fixtures.malformed("dentry-state").first { $0.name == name }).bytes
        expectParseError(bytes, path: "/proc/sys/fs/dentry-state") { (b, p) throws(ParseError) in
            _ = try DentryState.parse(b, path: p, release: KernelRelease(6, 1, 0))
        }
    }
}

@Suite struct InodeAndFileTests {
    @Test(arguments: Fixtures.kernelNames)
    func parsesEveryFixtureKernel(_ kernel: String) throws {
        let root = Fixtures.kernel(kernel)
        let state = try root.inodeState(buffer: ReadBuffer())
        let nr = try root.inodeNr(buffer: ReadBuffer())
        // Both files print the same two counters; a real capture reads them
        // moments apart (the sandbox tree differs by one inode), so allow 1 %.
        let gap = state.nrInodes > nr.nrInodes ? state.nrInodes - nr.nrInodes : nr.nrInodes - state.nrInodes
        #expect(gap <= max(state.nrInodes / 100, 1))
        #expect(state.preshrink == 0)
        #expect(nr.preshrink == nil)
        let files = try root.fileNr(buffer: ReadBuffer())
        #expect(files.unused == 0, "always 0 since 2.6")
        #expect(files.allocated <= files.max)
    }

    @Test func parsesSamples() throws {
        let inode = try parseText("41728\t1344\t0\t0\t0\t0\t0\n", InodeState.parse)
        #expect(inode == InodeState(nrInodes: 41728, nrFreeInodes: 1344, preshrink: 0))
        let files = try parseText("1568\t0\t9223372036854775807\n", FileNr.parse)
        #expect(files == FileNr(allocated: 1568, unused: 0, max: 9_223_372_036_854_775_807))
        let nr = try parseText("41728 1344", InodeState.parseInodeNr)   // no trailing newline
        #expect(nr.nrInodes == 41728)
    }

    @Test(arguments: Fixtures.malformed("inode-state").map(\.name))
    func rejectsMalformedInodeState(_ name: String) throws {
        let bytes = try #require(Fixtures.malformed("inode-state").first { $0.name == name }).bytes
        expectParseError(bytes, path: "/proc/sys/fs/inode-state") { (b, p) throws(ParseError) in _ = try InodeState.parse(b, path: p) }
    }

    @Test(arguments: Fixtures.malformed("file-nr").map(\.name))
    func rejectsMalformedFileNr(_ name: String) throws {
        let bytes = try #require(Fixtures.malformed("file-nr").first { $0.name == name }).bytes
        expectParseError(bytes, path: "/proc/sys/fs/file-nr") { (b, p) throws(ParseError) in _ = try FileNr.parse(b, path: p) }
    }
}

@Suite struct VmSysctlsTests {
    @Test(arguments: Fixtures.kernelNames)
    func parsesEveryFixtureKernel(_ kernel: String) throws {
        let sysctls = try Fixtures.kernel(kernel).vmSysctls(buffer: ReadBuffer())
        #expect(sysctls.vfsCachePressure == 100)
        let minFree = try #require(sysctls.minFreeBytes)
        #expect(minFree % 1024 == 0, "min_free_kbytes becomes bytes")
        #expect(sysctls.overcommitMemory.map { $0 <= 2 } == true)
    }

    @Test func incidentHostValues() throws {
        let sysctls = try Fixtures.kernel("linux-2.6.32-rhel6").vmSysctls(buffer: ReadBuffer())
        #expect(sysctls == VmSysctls(dropCaches: 0, vfsCachePressure: 100, minFreeBytes: 90112 * 1024,
                                     overcommitMemory: 0, overcommitRatio: 50, dentryNegative: nil))
    }

    @Test func writeOnlyDropCachesIsAbsentNotAFailure() throws {
        let root = ProcRoot(Fixtures.kernelPath("linux-5.15-ubuntu22"),
                            io: FaultyIO.failing(["proc/sys/vm/drop_caches": .permissionDenied]))
        let sysctls = try root.vmSysctls(buffer: ReadBuffer())
        #expect(sysctls.dropCaches == nil)
        #expect(sysctls.vfsCachePressure == 100)
    }

    @Test func otherPermissionErrorsAreReported() {
        let root = ProcRoot(Fixtures.kernelPath("linux-5.15-ubuntu22"),
                            io: FaultyIO.failing(["proc/sys/vm/min_free_kbytes": .permissionDenied]))
        #expect(throws: SourceError.read(ReadError(path: root.path("proc/sys/vm/min_free_kbytes"), errno: .permissionDenied))) {
            try root.vmSysctls(buffer: ReadBuffer())
        }
    }

    @Test func kilobytesBeyond64BitsAreRejected() {
        #expect(throws: ParseError.self) { try parseText("18014398509481984\n", VmSysctls.parseKilobytes) }
    }

    @Test(arguments: Fixtures.malformed("sysctl").map(\.name))
    func rejectsMalformed(_ name: String) throws {
        let bytes = try #require(Fixtures.malformed("sysctl").first { $0.name == name }).bytes
        expectParseError(bytes, path: "/proc/sys/vm/vfs_cache_pressure") { (b, p) throws(ParseError) in _ = try VmSysctls.parseValue(b, path: p) }
    }
}

/// The parser fails with a ParseError that names the file, and the line
/// when the file had one.
func expectParseError(
    _ bytes: [UInt8], path: String,
    _ parser: (UnsafeRawBufferPointer, String) throws(ParseError) -> Void,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    do {
        try parseBytes(bytes, path: path, parser)
        Issue.record("expected a ParseError", sourceLocation: sourceLocation)
    } catch {
        #expect(error.path == path, sourceLocation: sourceLocation)
        #expect(error.description.contains(path), sourceLocation: sourceLocation)
        let hasLine = bytes.contains { !($0 == 0x20 || $0 == 0x09 || $0 == 0x0a || $0 == 0x0d) }
        if hasLine { #expect(error.line != nil, sourceLocation: sourceLocation) }
    }
}
