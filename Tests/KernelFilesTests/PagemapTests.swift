import KernelFiles
import Testing
import TestSupport

@Suite struct PagemapTests {
    @Test func decodesAPresentPage() {
        // As read for a touched heap page here: present, exclusive, PFN 0x18794f.
        let entry = PagemapEntry(raw: 0x8100_0000_0018_794f, pfnVisible: true)
        #expect(entry.present && entry.exclusive)
        #expect(!entry.swapped && !entry.fileOrSharedAnon && !entry.softDirty && !entry.uffdWriteProtected)
        #expect(entry.pfn == 0x18794f)
        #expect(!entry.pfnHidden)
        #expect(entry.swapType == nil && entry.swapOffset == nil)
    }

    @Test func decodesASwappedPage() {
        // swapped (62), soft-dirty (55), type 3 in bits 0-4, offset 0x1234 in bits 5-54.
        let raw: UInt64 = 1 << 62 | 1 << 55 | 0x1234 << 5 | 3
        let entry = PagemapEntry(raw: raw)
        #expect(entry.swapped && !entry.present && entry.softDirty)
        #expect(entry.swapType == 3 && entry.swapOffset == 0x1234)
        #expect(entry.pfn == nil, "a swapped page has no frame")
    }

    @Test func aZeroFrameWithoutCapSysAdminIsHidden() {
        let hidden = PagemapEntry(raw: 1 << 63 | 1 << 61, pfnVisible: false)
        #expect(hidden.present && hidden.fileOrSharedAnon)
        #expect(hidden.pfn == nil && hidden.pfnHidden)
        let shown = PagemapEntry(raw: 1 << 63 | 5, pfnVisible: false)
        #expect(shown.pfn == 5 && !shown.pfnHidden, "a non-zero frame is never hidden")
    }

    @Test func notPresentIsAllZero() {
        let entry = PagemapEntry(raw: 0, pfnVisible: true)
        #expect(!entry.present && !entry.swapped && entry.pfn == nil && !entry.pfnHidden)
    }

    @Test func namesTheKernelPageFlags() {
        let flags = KernelPageFlags(raw: 0x4_0000_5828)
        #expect(flags.setNames == ["UPTODATE", "LRU", "MMAP", "ANON", "SWAPBACKED", "bit 34"])
        #expect(!flags.isHuge)
        #expect(KernelPageFlags(raw: 1 << 22).isHuge, "THP")
        #expect(KernelPageFlags(raw: 1 << 17).isHuge, "HUGE")
        #expect(KernelPageFlags.names.count == 27)
        #expect(KernelPageFlags.names[26] == "PGTABLE" && KernelPageFlags.names[10] == "BUDDY")
    }

    @Test func readsTheEntryAtTheAddressesOffset() throws {
        // Two pages' entries: the second (address 0x1000..0x1fff with 4 KiB pages) at offset 8.
        let directory = Fixtures.directory + "/malformed/pagemap"
        let root = ProcRoot(directory)
        #expect(throws: SourceError.self) { try root.readWord("short-entry", at: 0) }
        do {
            _ = try root.readWord("empty", at: 8)
            Issue.record("an empty pagemap gave an entry")
        } catch {
            #expect(error.description.contains("8-byte entry at offset 8"))
        }
    }

    @Test func aMissingProcessIsNoData() {
        do {
            _ = try ProcRoot(Fixtures.directory + "/processes-maps/sleep")
                .pagemapEntry(pid: 999_999, address: 0x1000, pageSize: 4096, pfnVisible: false)
            Issue.record("read a pagemap that does not exist")
        } catch {
            guard case .read(let read) = error else { Issue.record("\(error)"); return }
            #expect(read.isNoData)
        }
    }
}
