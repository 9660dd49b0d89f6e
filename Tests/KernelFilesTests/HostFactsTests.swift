import KernelFiles
import Testing
import TestSupport

/// Release and host name; the page size a manifest states. (Resolving the
/// page size — sysconf, manifest, zoneinfo — is `HostPageSize`'s job,
/// tested in MemoryModelTests.)
@Suite struct HostFactsTests {
    @Test func readsPageSizeFromTheTreesManifest() {
        let root = Fixtures.kernel("linux-6.18-sandbox")
        #expect(root.manifestPageSize(buffer: ReadBuffer()) == 4096)
        #expect(root.hostFacts(buffer: ReadBuffer()).kernelRelease == "6.18.44-fc-v657")
    }

    @Test(arguments: Fixtures.kernelNames)
    func everyFixtureKernelHasAReleaseAndPageSize(_ kernel: String) {
        let root = Fixtures.kernel(kernel)
        #expect(root.hostFacts(buffer: ReadBuffer()).kernelRelease != nil)
        #expect(root.manifestPageSize(buffer: ReadBuffer()) != nil, "give \(kernel) a manifest.json with its page_size")
    }

    @Test func aTreeWithoutManifestStatesNoPageSize() {
        #expect(ProcRoot(Fixtures.directory + "/malformed").manifestPageSize(buffer: ReadBuffer()) == nil)
    }

    @Test func theLiveHostHasNoManifestButAKernelRelease() {
        let root = ProcRoot("/")
        #expect(root.manifestPageSize(buffer: ReadBuffer()) == nil, "live: sysconf decides (HostPageSize)")
        #expect(root.hostFacts(buffer: ReadBuffer()).kernelRelease != nil)
    }
}
