/// An ELF executable or shared object, read from its bytes: enough to find
/// the segments a process maps and the sections inside them (text, data,
/// BSS). 32- and 64-bit, little- and big-endian.
///
/// Every offset and count in the file is checked against its size before
/// use: a truncated or hostile file gives a `ParseError`, never a crash.
public struct ElfFile: Sendable, Equatable {
    public var identity: ElfIdentity
    /// `e_type`: 2 EXEC (fixed address), 3 DYN (PIE or shared object).
    public var type: UInt16
    public var machine: UInt16
    public var entry: UInt64
    public var programHeaders: [ElfProgramHeader]
    public var sections: [ElfSectionHeader]

    public init(identity: ElfIdentity, type: UInt16, machine: UInt16, entry: UInt64,
                programHeaders: [ElfProgramHeader], sections: [ElfSectionHeader]) {
        self.identity = identity
        self.type = type
        self.machine = machine
        self.entry = entry
        self.programHeaders = programHeaders
        self.sections = sections
    }

    public static let typeExecutable: UInt16 = 2
    public static let typeShared: UInt16 = 3

    /// The `PT_LOAD` segments in file order.
    public var loadSegments: [ElfProgramHeader] { programHeaders.filter(\.isLoad) }

    /// The writable `PT_LOAD` (the data segment, whose tail beyond its file
    /// size is BSS): the last one when a linker emits several.
    public var dataSegment: ElfProgramHeader? { loadSegments.last(where: \.isWritable) }

    public func section(named name: String) -> ElfSectionHeader? { sections.first { $0.name == name } }

    /// Parses the header, program headers and section headers.
    public static func parse(_ bytes: UnsafeRawBufferPointer, path: String) throws(ParseError) -> ElfFile {
        func fail(_ expected: String) -> ParseError { ParseError(path: path, line: nil, text: nil, expected: expected) }
        guard bytes.count >= 16, bytes[0] == 0x7f, bytes[1] == UInt8(ascii: "E"), bytes[2] == UInt8(ascii: "L"),
              bytes[3] == UInt8(ascii: "F")
        else { throw fail("the ELF magic \\x7fELF at offset 0") }
        let is64: Bool
        switch bytes[4] {
        case 1: is64 = false
        case 2: is64 = true
        default: throw fail("ELF class 1 (32-bit) or 2 (64-bit) at offset 4")
        }
        let little: Bool
        switch bytes[5] {
        case 1: little = true
        case 2: little = false
        default: throw fail("ELF data encoding 1 (little-endian) or 2 (big-endian) at offset 5")
        }
        let elf = ElfBytes(bytes: bytes, littleEndian: little)
        let headerSize: UInt64 = is64 ? 64 : 52
        guard UInt64(bytes.count) >= headerSize else {
            throw fail("a \(headerSize)-byte ELF header (the file has \(bytes.count) bytes)")
        }
        // Offsets of the fields after e_version, by class (gABI "ELF Header").
        let word: UInt64 = is64 ? 8 : 4
        let read: (UInt64) -> UInt64? = is64 ? elf.u64 : elf.u32
        guard let type = elf.u16(16), let machine = elf.u16(18),
              let entry = read(24), let phoff = read(24 + word), let shoff = read(24 + 2 * word)
        else { throw fail("a complete ELF header") }
        let after = 24 + 3 * word + 4  // past e_flags
        guard let phentsize = elf.u16(after + 2), let phnum = elf.u16(after + 4),
              let shentsize = elf.u16(after + 6), let shnum = elf.u16(after + 8), let shstrndx = elf.u16(after + 10)
        else { throw fail("a complete ELF header") }

        let programHeaders = try parseProgramHeaders(
            elf, is64: is64, offset: phoff, entrySize: phentsize, count: phnum, fail: fail)
        let sections = try parseSections(
            elf, is64: is64, offset: shoff, entrySize: shentsize, count: shnum, nameIndex: shstrndx, fail: fail)
        return ElfFile(
            identity: ElfIdentity(is64Bit: is64, isLittleEndian: little), type: UInt16(type),
            machine: UInt16(machine), entry: entry, programHeaders: programHeaders, sections: sections)
    }

    private static func table(
        offset: UInt64, entrySize: UInt64, count: UInt64, minimumEntry: UInt64, fileSize: Int, what: String,
        fail: (String) -> ParseError
    ) throws(ParseError) -> [UInt64] {
        guard count > 0 else { return [] }
        guard entrySize >= minimumEntry else { throw fail("\(what) entries of at least \(minimumEntry) bytes, not \(entrySize)") }
        let (length, o1) = entrySize.multipliedReportingOverflow(by: count)
        let (end, o2) = offset.addingReportingOverflow(length)
        guard !o1, !o2, end <= UInt64(fileSize) else {
            throw fail("\(count) \(what) entries at offset \(offset) inside the file's \(fileSize) bytes")
        }
        return (0..<count).map { offset + $0 * entrySize }
    }

    private static func parseProgramHeaders(
        _ elf: ElfBytes, is64: Bool, offset: UInt64, entrySize: UInt64, count: UInt64, fail: (String) -> ParseError
    ) throws(ParseError) -> [ElfProgramHeader] {
        let starts = try table(
            offset: offset, entrySize: entrySize, count: count, minimumEntry: is64 ? 56 : 32,
            fileSize: elf.bytes.count, what: "program header", fail: fail)
        var headers: [ElfProgramHeader] = []
        for base in starts {
            let header: ElfProgramHeader?
            if is64 {
                header = elf.u32(base).flatMap { type in
                    guard let flags = elf.u32(base + 4), let off = elf.u64(base + 8), let vaddr = elf.u64(base + 16),
                          let filesz = elf.u64(base + 32), let memsz = elf.u64(base + 40), let align = elf.u64(base + 48)
                    else { return nil }
                    return ElfProgramHeader(type: UInt32(type), flags: UInt32(flags), offset: off, virtualAddress: vaddr,
                                            fileSize: filesz, memorySize: memsz, alignment: align)
                }
            } else {
                header = elf.u32(base).flatMap { type in
                    guard let off = elf.u32(base + 4), let vaddr = elf.u32(base + 8), let filesz = elf.u32(base + 16),
                          let memsz = elf.u32(base + 20), let flags = elf.u32(base + 24), let align = elf.u32(base + 28)
                    else { return nil }
                    return ElfProgramHeader(type: UInt32(type), flags: UInt32(flags), offset: off, virtualAddress: vaddr,
                                            fileSize: filesz, memorySize: memsz, alignment: align)
                }
            }
            guard let header else { throw fail("a complete program header at offset \(base)") }
            headers.append(header)
        }
        return headers
    }

    private static func parseSections(
        _ elf: ElfBytes, is64: Bool, offset: UInt64, entrySize: UInt64, count rawCount: UInt64, nameIndex rawNameIndex: UInt64,
        fail: (String) -> ParseError
    ) throws(ParseError) -> [ElfSectionHeader] {
        guard offset != 0 else { return [] }  // stripped of section headers: allowed
        // Extended numbering (gABI): e_shnum 0 → count in section 0's sh_size;
        // e_shstrndx SHN_XINDEX (0xffff) → index in section 0's sh_link.
        var count = rawCount
        var nameIndex = rawNameIndex
        if rawCount == 0 || rawNameIndex == 0xffff {
            // e_shoff near 2^64 would overflow `offset + 32` (found by scripts/fuzz).
            guard offset <= UInt64(elf.bytes.count) else {
                throw fail("section header 0 at offset \(offset) inside the file")
            }
            let sizeField: UInt64? = is64 ? elf.u64(offset + 32) : elf.u32(offset + 20)
            guard let first = sizeField, let link = elf.u32(offset + (is64 ? 40 : 24)) else {
                throw fail("section header 0 at offset \(offset) inside the file")
            }
            if rawCount == 0 { count = first }
            if rawNameIndex == 0xffff { nameIndex = link }
        }
        guard count <= 65536 * 16 else { throw fail("at most 1048576 section headers, not \(count)") }
        let starts = try table(
            offset: offset, entrySize: entrySize, count: count, minimumEntry: is64 ? 64 : 40,
            fileSize: elf.bytes.count, what: "section header", fail: fail)
        struct Raw { var name, type, flags, address, offset, size: UInt64 }
        var raws: [Raw] = []
        for base in starts {
            let raw: Raw?
            if is64 {
                if let n = elf.u32(base), let t = elf.u32(base + 4), let f = elf.u64(base + 8), let a = elf.u64(base + 16),
                   let o = elf.u64(base + 24), let s = elf.u64(base + 32) {
                    raw = Raw(name: n, type: t, flags: f, address: a, offset: o, size: s)
                } else { raw = nil }
            } else {
                if let n = elf.u32(base), let t = elf.u32(base + 4), let f = elf.u32(base + 8), let a = elf.u32(base + 12),
                   let o = elf.u32(base + 16), let s = elf.u32(base + 20) {
                    raw = Raw(name: n, type: t, flags: f, address: a, offset: o, size: s)
                } else { raw = nil }
            }
            guard let raw else { throw fail("a complete section header at offset \(base)") }
            raws.append(raw)
        }
        guard raws.isEmpty || nameIndex < UInt64(raws.count) else {
            throw fail("a section-name table index below \(raws.count), not \(nameIndex)")
        }
        let names = raws.isEmpty ? nil : raws[Int(nameIndex)]
        var sections: [ElfSectionHeader] = []
        for raw in raws {
            var name = ""
            if let names, raw.name != 0 {
                let (start, o1) = names.offset.addingReportingOverflow(raw.name)
                let (limit, o2) = names.offset.addingReportingOverflow(names.size)
                guard !o1, !o2, raw.name < names.size, let text = elf.cString(start, limit: limit) else {
                    throw fail("a section name at offset \(raw.name) of the section-name table inside the file")
                }
                name = text
            }
            sections.append(ElfSectionHeader(
                name: name, type: UInt32(truncatingIfNeeded: raw.type), flags: raw.flags, address: raw.address,
                offset: raw.offset, size: raw.size))
        }
        return sections
    }
}

extension ProcRoot {
    /// Reads an ELF file at an absolute path as the process sees it (the
    /// target of `/proc/PID/exe`), through this root: a bundle's root
    /// prefix is put in front.
    public func elfFile(atAbsolutePath absolute: String, buffer: ReadBuffer) throws(SourceError) -> ElfFile {
        var relative = Substring(absolute)
        while relative.hasPrefix("/") { relative = relative.dropFirst() }
        return try parse(String(relative), with: buffer, ElfFile.parse)
    }
}
