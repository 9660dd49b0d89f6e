import KernelFiles
import MemoryModel
import Testing
import TestSupport

private func fixture(_ name: String) -> (ProcRoot, Int32) {
    let root = ProcRoot(Fixtures.directory + "/processes-maps/" + name)
    let pid = (try? root.list("proc"))?.compactMap { Int32($0) }.first ?? 0
    return (root, pid)
}

private func maps(_ text: String) throws -> SmapsTable {
    SmapsTable(maps: try parseText(text, ProcessMaps.parse))
}

@Suite struct ProcessLayoutTests {
    /// A PIE like `cc` builds here: data PT_LOAD at p_vaddr 0x2df0 with 0x230
    /// file bytes and 0x100230 memory bytes (1 MiB of BSS).
    static let pie = ElfFile(
        identity: ElfIdentity(is64Bit: true, isLittleEndian: true), type: ElfFile.typeShared, machine: 62, entry: 0x1060,
        programHeaders: [
            ElfProgramHeader(type: 1, flags: 4, offset: 0, virtualAddress: 0, fileSize: 0x660, memorySize: 0x660, alignment: 0x1000),
            ElfProgramHeader(type: 1, flags: 5, offset: 0x1000, virtualAddress: 0x1000, fileSize: 0x1c5, memorySize: 0x1c5, alignment: 0x1000),
            ElfProgramHeader(type: 1, flags: 4, offset: 0x2000, virtualAddress: 0x2000, fileSize: 0x104, memorySize: 0x104, alignment: 0x1000),
            ElfProgramHeader(type: 1, flags: 6, offset: 0x2df0, virtualAddress: 0x3df0, fileSize: 0x230, memorySize: 0x100250, alignment: 0x1000),
        ],
        sections: [
            ElfSectionHeader(name: ".text", type: 1, flags: 6, address: 0x1060, offset: 0x1060, size: 0x150),
            ElfSectionHeader(name: ".bss", type: 8, flags: 3, address: 0x4020, offset: 0x3020, size: 0x100040),
            ElfSectionHeader(name: ".comment", type: 1, flags: 0, address: 0, offset: 0x3020, size: 0x2b),
        ])

    static let pieMaps = """
        56039545f000-560395460000 r--p 00000000 fe:00 16221643                   /tmp/probe
        560395460000-560395461000 r-xp 00001000 fe:00 16221643                   /tmp/probe
        560395461000-560395462000 r--p 00002000 fe:00 16221643                   /tmp/probe
        560395462000-560395463000 r--p 00002000 fe:00 16221643                   /tmp/probe
        560395463000-560395464000 rw-p 00003000 fe:00 16221643                   /tmp/probe
        560395464000-560395564000 rw-p 00000000 00:00 0
        56039d11c000-56039d13d000 rw-p 00000000 00:00 0                          [heap]
        7fee2301c000-7fee23042000 r--p 00000000 fe:00 333151                     /usr/lib/x86_64-linux-gnu/libc.so.6
        7fee23042000-7fee23198000 r-xp 00026000 fe:00 333151                     /usr/lib/x86_64-linux-gnu/libc.so.6
        7fee231ef000-7fee231f1000 rw-p 001d3000 fe:00 333151                     /usr/lib/x86_64-linux-gnu/libc.so.6
        7fee231f1000-7fee231fe000 rw-p 00000000 00:00 0
        7fee23203000-7fee23207000 rw-s 00000000 fe:00 16229308                   /tmp/x y (deleted)
        7fee23209000-7fee2320d000 r--p 00000000 00:00 0                          [vvar]
        7fee2320f000-7fee23211000 r-xp 00000000 00:00 0                          [vdso]
        7ffd3ae93000-7ffd3aeb4000 rw-p 00000000 00:00 0                          [stack]
        ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]

        """

    @Test func placesTheBssOfAPieFromItsElfHeaders() throws {
        let table = try maps(Self.pieMaps)
        let layout = ProcessLayout(rows: table.rows, executablePath: "/tmp/probe", elf: Self.pie,
                                   executableUnavailable: nil, pageSize: 4096)
        #expect(layout.loadBias == 0x5603_9545_f000)
        let bss = try #require(layout.bss)
        #expect(bss.source == .elf)
        #expect(bss.start == 0x5603_9545_f000 + 0x3df0 + 0x230)
        #expect(bss.size == 0x100250 - 0x230)
        #expect(bss.inDataMapping == 0x5603_9546_4000 - bss.start, "the tail of the last file-backed page")
        let regions = layout.mappings.map(\.region)
        #expect(regions == [.rodata, .text, .rodata, .data, .data, .bss, .heap, .library, .library, .library, .library,
                            .file, .vvar, .vdso, .stack, .vsyscall])
        // The relro page (r--p inside the writable PT_LOAD) counts as data.
        #expect(layout.mappings[3].part == .data)
        #expect(layout.sections.map(\.name) == [".text", ".bss"], "only allocated sections, at run-time addresses")
        #expect(layout.sections.last?.start == 0x5603_9545_f000 + 0x4020)
        let libc = try #require(layout.libraries.first)
        #expect(libc.path == "/usr/lib/x86_64-linux-gnu/libc.so.6")
        #expect(libc.text == 0x156000 && libc.rodata == 0x26000 && libc.data == 0x2000 && libc.bss == 0xd000)
        #expect(layout.totals.size == table.totals.size, "every mapping counted once")
    }

    @Test func fallsBackToMapsWithoutTheExecutable() throws {
        let table = try maps(Self.pieMaps)
        let layout = ProcessLayout(rows: table.rows, executablePath: "/tmp/probe", elf: nil,
                                   executableUnavailable: "cannot read /tmp/probe: no such file", pageSize: 4096)
        #expect(layout.loadBias == nil && layout.sections.isEmpty)
        let bss = try #require(layout.bss)
        #expect(bss.source == .maps && bss.start == 0x5603_9546_4000 && bss.size == 1 << 20)
        #expect(layout.mappings[3].region == .rodata, "without ELF the relro page is classed by its permissions")
    }

    @Test func thirtyTwoBitFixture() throws {
        let (root, pid) = fixture("i386-handwritten")
        let table = SmapsTable(maps: try root.processMaps(pid: pid, buffer: ReadBuffer()))
        let layout = ProcessLayout(rows: table.rows, executablePath: "/opt/app/bin/probe", elf: nil,
                                   executableUnavailable: "not in the tree", pageSize: 4096)
        #expect(layout.bss?.start == 0x0804_b000 && layout.bss?.size == 1 << 20)
        let regions = Dictionary(grouping: layout.segments, by: \.region)
        #expect(regions[.text]?.first?.ranges.first == .init(start: 0x0804_8000, end: 0x0804_9000))
        #expect(regions[.heap]?.first?.figures.size == 0x21000)
        #expect(layout.libraries.map(\.path) == ["/lib/i386-linux-gnu/libc-2.23.so", "/lib/i386-linux-gnu/ld-2.23.so"])
        #expect(layout.libraries.first?.bss == 0x3000)
        #expect(regions[.anonymous]?.first?.ranges == [.init(start: 0xb7d9_c000, end: 0xb7d9_d000)])
    }

    @Test func capturedProbeTotalsAreTheSmapsSums() throws {
        let (root, pid) = fixture("layout-probe")
        let buffer = ReadBuffer()
        let table = SmapsTable(try root.smaps(pid: pid, buffer: buffer))
        let rollup = try #require(try root.smaps(pid: pid, buffer: buffer, rollup: true).mappings.first)
        let layout = ProcessLayout(rows: table.rows, executablePath: try root.readLink("proc/\(pid)/exe"), elf: nil,
                                   executableUnavailable: "not captured", pageSize: 4096)
        #expect(layout.totals.rss == rollup.rss)
        #expect(layout.totals.dirty == (rollup.sharedDirty ?? 0) + (rollup.privateDirty ?? 0))
        #expect(layout.bss?.size == 1 << 20, "the anonymous mapping after the data page")
        #expect(layout.mappings.contains { $0.region == .file && $0.entry.isDeleted })
        let segments = layout.segments
        #expect(segments.reduce(0) { $0 + ($1.figures.size ?? 0) } == layout.totals.size)
    }

    @Test func smapsTableTotalsKeepUnknownColumnsNil() throws {
        let smaps = try parseText("""
            00400000-00401000 r-xp 00000000 08:01 42   /bin/x
            Size:                  4 kB
            Rss:                   4 kB
            Shared_Dirty:          0 kB
            Private_Dirty:         4 kB
            00401000-00403000 rw-p 00000000 00:00 0
            Size:                  8 kB
            Rss:                   8 kB
            Shared_Dirty:          0 kB
            Private_Dirty:         8 kB

            """, Smaps.parse)
        let table = SmapsTable(smaps)
        #expect(table.totals.size == 12288 && table.totals.rss == 12288 && table.totals.dirty == 12288)
        #expect(table.totals.pss == nil, "no row had Pss: the total is unknown, not 0")
        #expect(table.rows.count == 2)
    }
}
