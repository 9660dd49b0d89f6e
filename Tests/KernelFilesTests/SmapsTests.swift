import KernelFiles
import Testing
import TestSupport

@Suite struct SmapsTests {
    @Test(arguments: ProcessMapsFixtures.names)
    func parsesEveryCapturedProcess(_ name: String) throws {
        guard let pid = ProcessMapsFixtures.pid(name) else { return }
        let root = ProcessMapsFixtures.root(name)
        guard root.exists("proc/\(pid)/smaps") else { return }  // hand-written maps-only tree
        let buffer = ReadBuffer()
        let smaps = try root.smaps(pid: pid, buffer: buffer)
        let maps = try root.processMaps(pid: pid, buffer: buffer)
        #expect(smaps.mappings.map(\.entry) == maps.mappings, "the smaps headers are the maps lines")
        for mapping in smaps.mappings {
            #expect(mapping.size == mapping.entry.size, "Size is the mapping's length")
            #expect(mapping.vmFlags?.isEmpty == false)
            #expect(mapping.thpEligible != nil)
            if let rss = mapping.rss, let pss = mapping.pss { #expect(pss <= rss) }
        }
    }

    /// smaps_rollup (4.14+) is the kernel's own sum of smaps: ours must equal it field by field.
    @Test(arguments: ["layout-probe", "sleep"])
    func sumsEqualTheKernelsRollup(_ name: String) throws {
        let pid = try #require(ProcessMapsFixtures.pid(name))
        let root = ProcessMapsFixtures.root(name)
        let buffer = ReadBuffer()
        let smaps = try root.smaps(pid: pid, buffer: buffer)
        let rollup = try #require(try root.smaps(pid: pid, buffer: buffer, rollup: true).mappings.first)
        func sum(_ path: KeyPath<Smaps.Mapping, UInt64?>) -> UInt64 { smaps.mappings.reduce(0) { $0 + ($1[keyPath: path] ?? 0) } }
        #expect(sum(\.rss) == rollup.rss)
        #expect(sum(\.sharedClean) == rollup.sharedClean)
        #expect(sum(\.sharedDirty) == rollup.sharedDirty)
        #expect(sum(\.privateClean) == rollup.privateClean)
        #expect(sum(\.privateDirty) == rollup.privateDirty)
        #expect(sum(\.anonymous) == rollup.anonymous)
        #expect(sum(\.anonHugePages) == rollup.anonHugePages)
        #expect(sum(\.swap) == rollup.swap)
        // Pss is summed by the kernel in fractions of a page before rounding to kB:
        // the per-mapping kB values may each have lost up to 1 kB.
        let pss = try #require(rollup.pss)
        #expect(sum(\.pss) <= pss && pss - sum(\.pss) <= UInt64(smaps.mappings.count) * 1024)
    }

    @Test func seesTheTransparentHugePages() throws {
        let pid = try #require(ProcessMapsFixtures.pid("layout-probe"))
        let smaps = try ProcessMapsFixtures.root("layout-probe").smaps(pid: pid, buffer: ReadBuffer())
        let huge = try #require(smaps.mappings.first { ($0.anonHugePages ?? 0) > 0 })
        #expect(huge.anonHugePages == 4 << 20, "layout-probe madvises and touches 4 MiB")
        #expect(huge.vmFlags?.contains("hg") == true, "MADV_HUGEPAGE shows as the hg VmFlag")
    }

    @Test func convertsSizesAndKeepsUnknownKeys() throws {
        let text = """
            00400000-00401000 r-xp 00000000 08:01 42   /bin/x
            Size:                  4 kB
            Rss:                   4 kB
            Pss:                   2 kB
            Future_Field:          8 kB
            THPeligible:           1
            ProtectionKey:         0
            VmFlags: rd ex mr mw me
            00401000-00402000 rw-p 00000000 00:00 0
            Size:                  4 kB

            """
        let smaps = try parseText(text, Smaps.parse)
        #expect(smaps.mappings.count == 2)
        let first = try #require(smaps.mappings.first)
        #expect(first.size == 4096 && first.rss == 4096 && first.pss == 2048)
        #expect(first.swap == nil, "a field the kernel did not print is nil")
        #expect(first.otherFields.map(\.name) == ["Future_Field"] && first.otherFields.map(\.bytes) == [8192])
        #expect(first.thpEligible == 1 && first.protectionKey == 0)
        #expect(first.vmFlags == ["rd", "ex", "mr", "mw", "me"])
        #expect(smaps.mappings[1].vmFlags == nil)
    }

    @Test(arguments: Fixtures.malformed("smaps").map(\.name))
    func rejectsMalformedWithFileAndLine(_ name: String) throws {
        let bytes = try #require(Fixtures.malformed("smaps").first { $0.name == name }?.bytes)
        do {
            _ = try parseBytes(bytes, path: "/proc/1/smaps", Smaps.parse)
            Issue.record("\(name) parsed")
        } catch {
            #expect(error.path == "/proc/1/smaps")
            #expect(error.line != nil, "\(name)")
        }
    }

    @Test func aKernelThreadHasNoMappings() throws {
        let smaps = try ProcessMapsFixtures.root("kthreadd").smaps(pid: 2, buffer: ReadBuffer())
        #expect(smaps.mappings.isEmpty)
    }
}
