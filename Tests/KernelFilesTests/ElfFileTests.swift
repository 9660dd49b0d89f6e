import Foundation
import KernelFiles
import Testing
import TestSupport

/// Builds small ELF images in memory: header, two PT_LOADs (text r-x, data
/// rw- with 0x2000 bytes of BSS), and sections null/.text/.bss/.shstrtab.
private struct ElfImage {
    var is64: Bool
    var little: Bool
    var bytes: [UInt8] = []

    mutating func put(_ value: UInt64, _ width: Int) {
        for index in 0..<width {
            let shift = little ? index : width - 1 - index
            bytes.append(UInt8(truncatingIfNeeded: value >> (8 * UInt64(shift))))
        }
    }
    mutating func word(_ value: UInt64) { put(value, is64 ? 8 : 4) }

    static func make(is64: Bool, little: Bool) -> [UInt8] {
        var image = ElfImage(is64: is64, little: little)
        let headerSize = is64 ? 64 : 52, phSize = is64 ? 56 : 32, shSize = is64 ? 64 : 40
        let phoff = headerSize, names: [UInt8] = Array("\0.text\0.bss\0.shstrtab\0".utf8)
        let namesOffset = phoff + 2 * phSize, shoff = namesOffset + names.count
        image.bytes = [0x7f, 0x45, 0x4c, 0x46, is64 ? 2 : 1, little ? 1 : 2, 1, 0] + [UInt8](repeating: 0, count: 8)
        image.put(2, 2); image.put(is64 ? 62 : 3, 2); image.put(1, 4)
        image.word(0x401000); image.word(UInt64(phoff)); image.word(UInt64(shoff))
        image.put(0, 4); image.put(UInt64(headerSize), 2); image.put(UInt64(phSize), 2); image.put(2, 2)
        image.put(UInt64(shSize), 2); image.put(4, 2); image.put(3, 2)
        // (type, flags, offset, vaddr, filesz, memsz)
        for (flags, offset, vaddr, filesz, memsz) in [(5, 0, 0x400000, 0x1000, 0x1000), (6, 0x1000, 0x601000, 0x234, 0x2234)] as [(UInt64, UInt64, UInt64, UInt64, UInt64)] {
            if is64 {
                image.put(1, 4); image.put(flags, 4); image.word(offset); image.word(vaddr); image.word(vaddr)
                image.word(filesz); image.word(memsz); image.word(0x1000)
            } else {
                image.put(1, 4); image.word(offset); image.word(vaddr); image.word(vaddr); image.word(filesz)
                image.word(memsz); image.put(flags, 4); image.word(0x1000)
            }
        }
        image.bytes += names
        // (name, type, flags, addr, offset, size)
        let sections: [(UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)] = [
            (0, 0, 0, 0, 0, 0), (1, 1, 6, 0x401000, 0x1000, 0x100), (7, 8, 3, 0x601234, 0x1234, 0x2000),
            (12, 3, 0, 0, UInt64(namesOffset), UInt64(names.count)),
        ]
        for (name, type, flags, address, offset, size) in sections {
            image.put(name, 4); image.put(type, 4); image.word(flags); image.word(address); image.word(offset)
            image.word(size); image.put(0, 4); image.put(0, 4); image.word(1); image.word(0)
        }
        return image.bytes
    }
}

@Suite struct ElfFileTests {
    @Test(arguments: [(true, true), (true, false), (false, true), (false, false)])
    func readsEveryClassAndByteOrder(_ is64: Bool, _ little: Bool) throws {
        let elf = try parseBytes(ElfImage.make(is64: is64, little: little), path: "/x", ElfFile.parse)
        #expect(elf.identity == ElfIdentity(is64Bit: is64, isLittleEndian: little))
        #expect(elf.type == ElfFile.typeExecutable && elf.entry == 0x401000)
        #expect(elf.loadSegments.count == 2)
        let data = try #require(elf.dataSegment)
        #expect(data.virtualAddress == 0x601000 && data.fileSize == 0x234 && data.memorySize == 0x2234)
        #expect(data.zeroFillSize == 0x2000 && data.flagsText == "rw-")
        #expect(elf.loadSegments.first?.flagsText == "r-x")
        #expect(elf.sections.map(\.name) == ["", ".text", ".bss", ".shstrtab"])
        let bss = try #require(elf.section(named: ".bss"))
        #expect(bss.isNoBits && bss.isAllocated && bss.address == 0x601234 && bss.size == 0x2000)
    }

    /// Every prefix of a valid image: an error or a result, never a crash.
    @Test func everyTruncationFailsCleanly() {
        let image = ElfImage.make(is64: true, little: true)
        for length in 0..<image.count {
            do {
                let elf = try parseBytes(Array(image.prefix(length)), path: "/x", ElfFile.parse)
                Issue.record("a \(length)-byte prefix parsed: \(elf.sections.count) sections")
            } catch {
                #expect(error.path == "/x")
            }
        }
    }

    @Test(arguments: Fixtures.malformed("elf").map(\.name))
    func rejectsMalformed(_ name: String) throws {
        let bytes = try #require(Fixtures.malformed("elf").first { $0.name == name }?.bytes)
        #expect(throws: ParseError.self, "\(name)") { try parseBytes(bytes, path: "/bin/x", ElfFile.parse) }
    }

    /// Random bytes after a valid identification: never a crash.
    @Test func survivesGarbage() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            var bytes: [UInt8] = [0x7f, 0x45, 0x4c, 0x46, UInt8.random(in: 1...2, using: &generator), UInt8.random(in: 1...2, using: &generator)]
            bytes += (0..<Int.random(in: 0...400, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            _ = try? parseBytes(bytes, path: "/x", ElfFile.parse)
        }
    }

    /// The probe program, compiled here: its data segment's BSS holds `big[1 << 20]`.
    @Test(.enabled(if: ExternalCommand.exists("cc")))
    func readsACompiledProgramsBss() throws {
        let binary = try CompiledProbe.build()
        let elf = try ProcRoot("/").elfFile(atAbsolutePath: binary, buffer: ReadBuffer())
        #expect(elf.identity.is64Bit == (MemoryLayout<Int>.size == 8))
        let data = try #require(elf.dataSegment)
        #expect(data.zeroFillSize >= 1 << 20)
        let bss = try #require(elf.section(named: ".bss"))
        #expect(bss.size >= 1 << 20 && bss.isNoBits)
        // nm's address of `big` lies inside .bss.
        if let nm = try? ExternalCommand.run("nm", [binary]), let line = nm.stdout.split(separator: "\n").first(where: { $0.hasSuffix(" big") }),
           let address = UInt64(line.split(separator: " ").first ?? "", radix: 16) {
            #expect(bss.address <= address && address + (1 << 20) <= bss.address + bss.size)
        }
        #expect(elf.section(named: ".text") != nil && elf.section(named: ".data") != nil)
    }
}

/// Builds Tests/Fixtures/programs/layout-probe.c into a fresh temporary directory.
enum CompiledProbe {
    static func build() throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("memsleuth-probe-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let output = directory.appendingPathComponent("layout-probe").path
        let result = try ExternalCommand.run("cc", ["-O0", "-o", output, Fixtures.directory + "/programs/layout-probe.c"])
        guard result.exitCode == 0 else { throw ProbeError(message: result.stderr) }
        return output
    }

    struct ProbeError: Error { var message: String }
}
