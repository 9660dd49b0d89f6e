import KernelFiles

/// A process's address space as the textbook draws it — text, read-only
/// data, data, BSS, heap, stack, shared libraries, anonymous mappings,
/// vdso/vvar/vsyscall, other files — from `/proc/PID/maps` (with `smaps`
/// figures when readable) plus the executable's ELF headers.
///
/// BSS is the data segment's memory size beyond its file size: it starts
/// in the tail of the last file-backed data page (the kernel zeroes it) and
/// continues in the anonymous mapping right after. With the ELF file its
/// exact range is `bias + p_vaddr + p_filesz ..< bias + p_vaddr + p_memsz`,
/// the load bias being a mapping's start minus its PT_LOAD's page-aligned
/// `p_vaddr` (0 for a non-PIE executable). Without the file, the anonymous
/// `rw-p` mapping adjacent to the executable's last mapping is taken as BSS.
///
/// Every mapping is classified exactly once, so the totals equal
/// `pmap -x`'s: Kbytes = ΣSize, RSS = ΣRss, Dirty = Σ(Shared_Dirty + Private_Dirty).
public struct ProcessLayout: Sendable, Equatable {
    public enum Region: String, Sendable, CaseIterable {
        case text, rodata, data, bss, heap, stack, library, anonymous, vdso, vvar, vsyscall, file, other
    }

    /// Which part of a shared library a mapping is (by permissions).
    public enum Part: String, Sendable {
        case text, rodata, data, bss
    }

    public struct Mapping: Sendable, Equatable {
        public var entry: MapsEntry
        public var region: Region
        /// For the executable and libraries: text / rodata / data / bss.
        public var part: Part?
        /// The library's path for `.library` mappings.
        public var library: String?
        public var figures: SmapsTable.Figures
    }

    /// One region's mappings, merged into contiguous address ranges.
    public struct Segment: Sendable, Equatable {
        public var region: Region
        public var ranges: [AddressRange]
        public var figures: SmapsTable.Figures
        public var mappingCount: Int
    }

    public struct AddressRange: Sendable, Equatable {
        public var start: UInt64
        public var end: UInt64
        public var size: UInt64 { end &- start }

        public init(start: UInt64, end: UInt64) {
            self.start = start
            self.end = end
        }
    }

    public struct Library: Sendable, Equatable {
        public var path: String
        public var text: UInt64 = 0
        public var rodata: UInt64 = 0
        public var data: UInt64 = 0
        public var bss: UInt64 = 0
        public var figures = SmapsTable.Figures()
    }

    /// The executable's BSS: exact from the ELF file, or the adjacent
    /// anonymous mapping when only `maps` was available.
    public struct Bss: Sendable, Equatable {
        public enum Source: String, Sendable { case elf, maps }
        public var start: UInt64
        public var end: UInt64
        public var source: Source
        /// Bytes of it inside the last file-backed data page (0 from maps alone).
        public var inDataMapping: UInt64
        public var size: UInt64 { end &- start }
    }

    /// An allocated ELF section of the executable, at its run-time address.
    public struct Section: Sendable, Equatable {
        public var name: String
        public var start: UInt64
        public var size: UInt64
        public var isNoBits: Bool
    }

    public var mappings: [Mapping]
    /// `/proc/PID/exe`'s target, nil when unreadable (kernel thread, permission).
    public var executablePath: String?
    /// Why the ELF file could not be used, nil when it was.
    public var executableUnavailable: String?
    /// The executable's load bias (0 for non-PIE); nil without the ELF file.
    public var loadBias: UInt64?
    public var bss: Bss?
    public var sections: [Section]
    public var totals: SmapsTable.Figures

    public var segments: [Segment] {
        Region.allCases.compactMap { region in
            let members = mappings.filter { $0.region == region }
            guard !members.isEmpty else { return nil }
            var figures = SmapsTable.Figures()
            var ranges: [AddressRange] = []
            for member in members {
                figures.add(member.figures)
                if let last = ranges.last, last.end == member.entry.start {
                    ranges[ranges.count - 1].end = member.entry.end
                } else {
                    ranges.append(AddressRange(start: member.entry.start, end: member.entry.end))
                }
            }
            return Segment(region: region, ranges: ranges, figures: figures, mappingCount: members.count)
        }
    }

    /// Libraries in order of first mapping, with their parts' sizes.
    public var libraries: [Library] {
        var order: [String] = []
        var byPath: [String: Library] = [:]
        for mapping in mappings where mapping.region == .library {
            guard let path = mapping.library else { continue }
            if byPath[path] == nil { order.append(path); byPath[path] = Library(path: path) }
            let size = mapping.entry.size
            switch mapping.part {
            case .text: byPath[path]?.text += size
            case .rodata: byPath[path]?.rodata += size
            case .data: byPath[path]?.data += size
            case .bss: byPath[path]?.bss += size
            case nil: break
            }
            byPath[path]?.figures.add(mapping.figures)
        }
        return order.compactMap { byPath[$0] }
    }

    /// Classifies every mapping.
    /// - Parameters:
    ///   - rows: each mapping with its smaps figures (maps-only: Size alone).
    ///   - executablePath: the target of `/proc/PID/exe`.
    ///   - elf: the executable's headers, nil when the file is not available.
    public init(rows: [SmapsTable.Row], executablePath: String?, elf: ElfFile?, executableUnavailable: String?,
                pageSize: UInt64) {
        let pages = PageMath(size: max(pageSize, 1))
        let exe = executablePath.map { $0.hasSuffix(" (deleted)") ? String($0.dropLast(" (deleted)".count)) : $0 }
        var mappings = rows.map { row in
            Mapping(entry: row.entry, region: Self.baseRegion(row.entry, executable: exe), part: nil, library: nil,
                    figures: row.figures)
        }
        let bias = elf.flatMap { Self.loadBias(mappings, elf: $0, pages: pages) }
        Self.splitExecutable(&mappings, elf: elf, bias: bias, pages: pages)
        let bss = Self.markBss(&mappings, elf: elf, bias: bias, pages: pages)
        Self.markLibraries(&mappings)

        var sections: [Section] = []
        if let elf, let bias {
            for section in elf.sections where section.isAllocated && section.address != 0 {
                sections.append(Section(name: section.name, start: section.address &+ bias, size: section.size,
                                        isNoBits: section.isNoBits))
            }
        }
        var totals = SmapsTable.Figures()
        for mapping in mappings { totals.add(mapping.figures) }
        self.mappings = mappings
        self.executablePath = executablePath
        self.executableUnavailable = executableUnavailable
        self.loadBias = bias
        self.bss = bss
        self.sections = sections
        self.totals = totals
    }

    /// Page rounding; wrapping arithmetic because a hostile ELF may put any
    /// address anywhere, and a wrong picture beats a crash.
    struct PageMath {
        let size: UInt64
        func down(_ value: UInt64) -> UInt64 { value - value % size }
        func up(_ value: UInt64) -> UInt64 { let rounded = down(value); return rounded == value ? value : rounded &+ size }
    }

    /// The load bias: where the kernel put the first of the executable's
    /// mappings whose file offset matches a PT_LOAD, minus that segment's
    /// page-aligned p_vaddr (0 for a fixed-address executable).
    private static func loadBias(_ mappings: [Mapping], elf: ElfFile, pages: PageMath) -> UInt64? {
        for mapping in mappings where mapping.region == .text {
            if let load = elf.loadSegments.first(where: { pages.down($0.offset) == mapping.entry.offset }) {
                return mapping.entry.start &- pages.down(load.virtualAddress)
            }
        }
        return nil
    }

    /// The executable's mappings (all `.text` so far) become text, rodata
    /// or data: by the PT_LOAD they fall in when the ELF is known (so the
    /// RELRO page, read-only after start-up, stays data), else by permissions.
    private static func splitExecutable(_ mappings: inout [Mapping], elf: ElfFile?, bias: UInt64?, pages: PageMath) {
        for index in mappings.indices where mappings[index].region == .text {
            let entry = mappings[index].entry
            var part = Self.part(entry.permissions)
            if let elf, let bias,
               let load = elf.loadSegments.first(where: { load in
                   let start = pages.down(load.virtualAddress) &+ bias
                   return start <= entry.start && entry.start < pages.up(load.virtualAddress &+ load.memorySize) &+ bias
               }) {
                part = load.isWritable ? .data : (load.isExecutable ? .text : .rodata)
            }
            mappings[index].part = part
            mappings[index].region = part == .text ? .text : (part == .data ? .data : .rodata)
        }
    }

    /// The executable's BSS, and the anonymous mapping(s) that hold it marked `.bss`.
    private static func markBss(_ mappings: inout [Mapping], elf: ElfFile?, bias: UInt64?, pages: PageMath) -> Bss? {
        if let elf, let bias {
            guard let data = elf.dataSegment, data.memorySize > data.fileSize else { return nil }
            let start = bias &+ data.virtualAddress &+ data.fileSize
            let end = bias &+ data.virtualAddress &+ data.memorySize
            for index in mappings.indices where mappings[index].region == .anonymous {
                let entry = mappings[index].entry
                if entry.start >= pages.up(start) && entry.start < pages.up(end) {
                    mappings[index].region = .bss
                    mappings[index].part = .bss
                }
            }
            return Bss(start: start, end: end, source: .elf, inDataMapping: min(pages.up(start), end) &- start)
        }
        // From maps alone: the anonymous rw mapping adjacent to the executable's data.
        guard let last = mappings.lastIndex(where: { $0.region == .data }), last + 1 < mappings.count else { return nil }
        let next = mappings[last + 1]
        guard next.region == .anonymous, next.entry.start == mappings[last].entry.end, next.entry.permissions.write else {
            return nil
        }
        mappings[last + 1].region = .bss
        mappings[last + 1].part = .bss
        return Bss(start: next.entry.start, end: next.entry.end, source: .maps, inDataMapping: 0)
    }

    /// Library parts by permissions; the anonymous private rw mapping right
    /// after a library's writable mapping is that library's BSS.
    private static func markLibraries(_ mappings: inout [Mapping]) {
        for index in mappings.indices where mappings[index].region == .library && mappings[index].part == nil {
            let entry = mappings[index].entry
            mappings[index].library = entry.filePath
            mappings[index].part = Self.part(entry.permissions)
            guard entry.permissions.write, index + 1 < mappings.count else { continue }
            let next = mappings[index + 1].entry
            if mappings[index + 1].region == .anonymous, next.start == entry.end, next.permissions.write,
               !next.permissions.shared {
                mappings[index + 1].region = .library
                mappings[index + 1].library = entry.filePath
                mappings[index + 1].part = .bss
            }
        }
    }

    private static func part(_ permissions: MapsEntry.Permissions) -> Part {
        permissions.execute ? .text : (permissions.write ? .data : .rodata)
    }

    /// The region from the path column alone (the executable's mappings
    /// start as `.text` and are split by part afterwards).
    private static func baseRegion(_ entry: MapsEntry, executable: String?) -> Region {
        switch entry.kind {
        case .anonymous, .namedAnonymous: return .anonymous
        case .heap: return .heap
        case .stack: return .stack
        case .vdso: return .vdso
        case .vvar: return .vvar
        case .vsyscall: return .vsyscall
        case .otherPseudo(let name): return name.hasPrefix("stack:") ? .stack : .other
        case .file:
            guard let path = entry.filePath else { return .file }
            if let executable, path == executable { return .text }
            return isSharedLibrary(path) ? .library : .file
        }
    }

    /// `libc.so.6`, `ld-linux-x86-64.so.2`, `foo.so`: a shared object by its name.
    static func isSharedLibrary(_ path: String) -> Bool {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        return name.hasSuffix(".so") || name.contains(".so.")
    }
}
