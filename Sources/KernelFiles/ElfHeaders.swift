/// The parts of an ELF file memsleuth reads: identification, program
/// headers and section headers (System V gABI, "ELF header", "Program
/// header", "Sections"). Field names follow `<elf.h>`.

/// `e_ident[EI_CLASS]` and `e_ident[EI_DATA]`: word size and byte order.
public struct ElfIdentity: Sendable, Equatable {
    public var is64Bit: Bool
    public var isLittleEndian: Bool

    public init(is64Bit: Bool, isLittleEndian: Bool) {
        self.is64Bit = is64Bit
        self.isLittleEndian = isLittleEndian
    }
}

/// `Elf32_Phdr` / `Elf64_Phdr`.
public struct ElfProgramHeader: Sendable, Equatable {
    public var type: UInt32
    public var flags: UInt32
    public var offset: UInt64
    public var virtualAddress: UInt64
    public var fileSize: UInt64
    public var memorySize: UInt64
    public var alignment: UInt64

    public init(type: UInt32, flags: UInt32, offset: UInt64, virtualAddress: UInt64, fileSize: UInt64,
                memorySize: UInt64, alignment: UInt64) {
        self.type = type
        self.flags = flags
        self.offset = offset
        self.virtualAddress = virtualAddress
        self.fileSize = fileSize
        self.memorySize = memorySize
        self.alignment = alignment
    }

    public static let typeLoad: UInt32 = 1
    public static let flagExecute: UInt32 = 1
    public static let flagWrite: UInt32 = 2
    public static let flagRead: UInt32 = 4

    public var isLoad: Bool { type == Self.typeLoad }
    public var isWritable: Bool { flags & Self.flagWrite != 0 }
    public var isExecutable: Bool { flags & Self.flagExecute != 0 }
    public var isReadable: Bool { flags & Self.flagRead != 0 }

    /// Memory beyond the file's bytes: the zero-filled part (BSS for the
    /// data segment).
    public var zeroFillSize: UInt64 { memorySize > fileSize ? memorySize - fileSize : 0 }

    /// `PF_R`/`PF_W`/`PF_X` as `rwx`.
    public var flagsText: String {
        (isReadable ? "r" : "-") + (isWritable ? "w" : "-") + (isExecutable ? "x" : "-")
    }
}

/// `Elf32_Shdr` / `Elf64_Shdr`, with its name resolved from `.shstrtab`.
public struct ElfSectionHeader: Sendable, Equatable {
    public var name: String
    public var type: UInt32
    public var flags: UInt64
    public var address: UInt64
    public var offset: UInt64
    public var size: UInt64

    public init(name: String, type: UInt32, flags: UInt64, address: UInt64, offset: UInt64, size: UInt64) {
        self.name = name
        self.type = type
        self.flags = flags
        self.address = address
        self.offset = offset
        self.size = size
    }

    public static let typeNoBits: UInt32 = 8
    public static let flagAlloc: UInt64 = 2

    /// Occupies memory in the running process (SHF_ALLOC).
    public var isAllocated: Bool { flags & Self.flagAlloc != 0 }
    /// Takes no bytes in the file (SHT_NOBITS: `.bss`, `.tbss`).
    public var isNoBits: Bool { type == Self.typeNoBits }
}

/// Bounds-checked, endian-aware reads from an ELF file's bytes: every
/// accessor returns nil instead of reading past the end.
struct ElfBytes {
    let bytes: UnsafeRawBufferPointer
    let littleEndian: Bool

    func u8(_ offset: UInt64) -> UInt8? {
        guard offset < UInt64(bytes.count) else { return nil }
        return bytes[Int(offset)]
    }

    func unsigned(_ offset: UInt64, width: UInt64) -> UInt64? {
        let (end, overflow) = offset.addingReportingOverflow(width)
        guard !overflow, end <= UInt64(bytes.count) else { return nil }
        var value: UInt64 = 0
        for index in 0..<width {
            let byte = UInt64(bytes[Int(offset + index)])
            value |= littleEndian ? byte << (8 * index) : byte << (8 * (width - 1 - index))
        }
        return value
    }

    func u16(_ offset: UInt64) -> UInt64? { unsigned(offset, width: 2) }
    func u32(_ offset: UInt64) -> UInt64? { unsigned(offset, width: 4) }
    func u64(_ offset: UInt64) -> UInt64? { unsigned(offset, width: 8) }

    /// A NUL-terminated string starting at `offset`, no further than `limit`.
    func cString(_ offset: UInt64, limit: UInt64) -> String? {
        let end = min(limit, UInt64(bytes.count))
        guard offset < end else { return nil }
        var stop = offset
        while stop < end && bytes[Int(stop)] != 0 { stop += 1 }
        guard stop < end else { return nil }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[Int(offset)..<Int(stop)]), as: UTF8.self)
    }
}
