import KernelFiles
import Testing
import TestSupport

@Suite struct ProcessMapsTests {
    @Test(arguments: ProcessMapsFixtures.names)
    func parsesEveryCapturedProcess(_ name: String) throws {
        let pid = try #require(ProcessMapsFixtures.pid(name))
        let maps = try ProcessMapsFixtures.root(name).processMaps(pid: pid, buffer: ReadBuffer())
        if name == "kthreadd" {
            #expect(maps.mappings.isEmpty, "a kernel thread has an empty maps file: no data, not an error")
            return
        }
        #expect(!maps.mappings.isEmpty)
        for (previous, next) in zip(maps.mappings, maps.mappings.dropFirst()) {
            #expect(previous.end <= next.start, "maps lines are in address order and do not overlap")
        }
        #expect(maps.mappings.contains { $0.kind == .stack })
    }

    @Test func readsTheDeletedMappingWithSpacesInItsPath() throws {
        let pid = try #require(ProcessMapsFixtures.pid("layout-probe"))
        let maps = try ProcessMapsFixtures.root("layout-probe").processMaps(pid: pid, buffer: ReadBuffer())
        let deleted = try #require(maps.mappings.first { $0.isDeleted })
        #expect(deleted.path.hasPrefix("/tmp/memsleuth probe "))
        #expect(deleted.path.hasSuffix("/mapped file.bin (deleted)"))
        #expect(deleted.filePath?.hasSuffix("/mapped file.bin") == true)
        #expect(deleted.permissions.shared && deleted.permissions.write)
        #expect(deleted.kind == .file)
    }

    @Test func readsThirtyTwoBitAddresses() throws {
        let maps = try ProcessMapsFixtures.root("i386-handwritten").processMaps(pid: 4242, buffer: ReadBuffer())
        let first = try #require(maps.mappings.first)
        #expect(first.start == 0x0804_8000 && first.end == 0x0804_9000)
        #expect(first.deviceMajor == 8 && first.deviceMinor == 1 && first.inode == 1_311_256)
        #expect(first.permissions.description == "r-xp")
        #expect(maps.mappings.last?.kind == .stack)
        #expect(maps.mapping(containing: 0x0937_e123)?.kind == .heap)
        #expect(maps.mapping(containing: 0x0700_0000) == nil)
    }

    /// Each pseudo path the kernel prints, and what it is.
    @Test(arguments: [
        ("[heap]", MapsEntry.Kind.heap),
        ("[stack]", .stack),
        ("[vdso]", .vdso),
        ("[vvar]", .vvar),
        ("[vvar_vclock]", .vvar),  // 6.x splits the vvar page
        ("[vsyscall]", .vsyscall),
        ("[anon:malloc arena]", .namedAnonymous("malloc arena")),  // 5.17+ PR_SET_VMA_ANON_NAME
        ("[anon_shmem:pool]", .namedAnonymous("pool")),  // 6.2+
        ("[stack:1234]", .otherPseudo("stack:1234")),  // thread stacks on 3.4–4.4
        ("[uprobes]", .otherPseudo("uprobes")),
        ("", .anonymous),
        ("/usr/lib/libc.so.6", .file),
    ])
    func classifiesPseudoPaths(_ path: String, _ kind: MapsEntry.Kind) throws {
        let maps = try parseText("7f0000000000-7f0000001000 rw-p 00000000 00:00 0    \(path)\n", ProcessMaps.parse)
        #expect(maps.mappings.first?.kind == kind)
        #expect(maps.mappings.first?.path == path)
    }

    @Test func keepsEveryColumn() throws {
        let line = "7f3a1d000000-7f3a1d100000 rw-s 0001a000 fd:1f 4242        /dev/shm/a b (deleted)\n"
        let entry = try #require(try parseText(line, ProcessMaps.parse).mappings.first)
        #expect(entry.size == 0x100000)
        #expect(entry.offset == 0x1a000)
        #expect(entry.deviceMajor == 0xfd && entry.deviceMinor == 0x1f)
        #expect(entry.path == "/dev/shm/a b (deleted)")
        #expect(entry.isDeleted)
        #expect(entry.filePath == "/dev/shm/a b")
    }

    @Test(arguments: Fixtures.malformed("maps").map(\.name))
    func rejectsMalformedWithFileAndLine(_ name: String) throws {
        let bytes = try #require(Fixtures.malformed("maps").first { $0.name == name }?.bytes)
        do {
            _ = try parseBytes(bytes, path: "/proc/1/maps", ProcessMaps.parse)
            Issue.record("\(name) parsed")
        } catch {
            #expect(error.path == "/proc/1/maps")
            #expect(error.line == 1, "\(name)")
        }
    }

    @Test func anEmptyFileHasNoMappings() throws {
        #expect(try parseText("", ProcessMaps.parse).mappings.isEmpty)
    }
}
