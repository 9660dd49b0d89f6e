import KernelFiles
import Testing
import TestSupport

@Suite struct HostFactsTests {
    @Test func readsPageSizeFromTheTreesManifest() {
        let facts = Fixtures.kernel("linux-6.18-sandbox").hostFacts(buffer: ReadBuffer())
        #expect(facts.pageSize == 4096)
        #expect(!facts.pageSizeIsAssumed)
        #expect(facts.kernelRelease == "6.18.44-fc-v657")
    }

    @Test(arguments: Fixtures.kernelNames)
    func everyFixtureKernelHasAReleaseAndPageSize(_ kernel: String) {
        let facts = Fixtures.kernel(kernel).hostFacts(buffer: ReadBuffer())
        #expect(facts.kernelRelease != nil)
        #expect(!facts.pageSizeIsAssumed, "give \(kernel) a manifest.json with its page_size")
    }

    @Test func aTreeWithoutManifestFlagsThePageSizeAsAssumed() {
        let facts = ProcRoot(Fixtures.directory + "/malformed").hostFacts(buffer: ReadBuffer())
        #expect(facts.pageSizeIsAssumed)
    }

    @Test func theLiveHostKnowsItsPageSize() {
        let facts = ProcRoot("/").hostFacts(buffer: ReadBuffer())
        #expect(facts.pageSize >= 4096)
        #expect(!facts.pageSizeIsAssumed)
        #expect(facts.kernelRelease != nil)
    }
}
