import KernelFiles
import SystemPackage
import Testing
import TestSupport

@Suite struct ProcessIdentityTests {
    let sandbox = ProcessFixtures.root("linux-6.18-sandbox")

    @Test func listsNumericNamesInNumericOrder() throws {
        #expect(try sandbox.pids() == [10, 23341, 23342, 23344, 23345])
        // "self", "sys", "meminfo" … are not processes.
        #expect(try ProcessFixtures.root("linux-2.6.32-vanilla").pids() == [2, 1523])
    }

    @Test func cmdlineSplitsAtNuls() throws {
        let cmdline = try sandbox.processCmdline(23341, buffer: ReadBuffer())
        #expect(cmdline.arguments == ["sleep", "3000"])
        #expect(try sandbox.processCmdline(10, buffer: ReadBuffer()).isEmpty, "a kernel thread's cmdline is empty")
        #expect(try parseText("a\0\0b\0", ProcessCmdline.parse).arguments == ["a", "", "b"])
        #expect(try parseText("nginx: worker process\0\0\0\0", ProcessCmdline.parse).arguments == ["nginx: worker process"])
        #expect(try parseText("no-trailing-nul", ProcessCmdline.parse).joined == "no-trailing-nul")
    }

    @Test func commIsOneLine() throws {
        #expect(try sandbox.processComm(23345, buffer: ReadBuffer()) == "a) (b")
        #expect(throws: ParseError.self) { try parseText("", ProcessComm.parse) }
    }

    @Test func environmentLooksUpOneKey() throws {
        let buffer = ReadBuffer()
        #expect(try sandbox.environment(23341, "HOME", buffer: buffer) == "/nonexistent")
        #expect(try sandbox.environment(23341, "LANG", buffer: buffer) == "C.UTF-8")
        #expect(try sandbox.environment(23341, "HOM", buffer: buffer) == nil, "a prefix of a key is not the key")
        #expect(try sandbox.environment(23341, "USER", buffer: buffer) == nil)
        #expect(try parseText("A=1\0B==2\0", { bytes, _ in ProcessEnviron.value(of: "B", in: bytes) }) == "=2")
    }

    @Test func exeIsReadNeverFollowed() throws {
        #expect(try sandbox.processExecutable(23341) == ProcessExecutable(path: "/usr/bin/sleep", isDeleted: false))
        let deleted = try sandbox.processExecutable(23344)
        #expect(deleted.isDeleted && deleted.path == "/tmp/ps-fixture-sleep-deleted")
        #expect(throws: ReadError.self) { try sandbox.processExecutable(10) }
    }

    @Test func cgroupHybridPrefersTheV1MemoryHierarchy() throws {
        let cgroup = try sandbox.processCgroup(23342, buffer: ReadBuffer())
        #expect(cgroup.unifiedPath == "/")
        #expect(cgroup.path(ofController: "memory")?.hasPrefix("/process_api/") == true)
        #expect(cgroup.memoryPath == cgroup.path(ofController: "memory"))
        let v1 = try ProcessFixtures.root("linux-4.4-ubuntu16").processCgroup(1200, buffer: ReadBuffer())
        #expect(v1.memoryPath == "/system.slice/nginx.service")
        #expect(v1.entries[1].controllers == ["cpu", "cpuacct"])
        #expect(v1.unifiedPath == nil)
    }

    @Test func cgroupV2OnlyAndColonsInPaths() throws {
        let cgroup = try parseText("0::/user.slice/a:b.scope\n", ProcessCgroup.parse)
        #expect(cgroup.memoryPath == "/user.slice/a:b.scope")
        #expect(try parseText("", ProcessCgroup.parse).memoryPath == nil)
    }

    @Test(arguments: Fixtures.malformed("cgroup").map(\.name))
    func cgroupRejectsMalformedWithFileAndLine(_ name: String) throws {
        let bytes = try #require(Fixtures.malformed("cgroup").first { $0.name == name }?.bytes)
        do {
            _ = try parseBytes(bytes, path: "/proc/1/cgroup", ProcessCgroup.parse)
            Issue.record("\(name) parsed")
        } catch {
            #expect(error.path == "/proc/1/cgroup")
            #expect(error.line == 1, "\(name): \(error)")
        }
    }

    @Test func passwdNamesUidsAndSkipsOddLines() throws {
        let names = try parseText("""
            # comment
            root:x:0:0:root:/root:/bin/bash
            +nis::::::
            broken
            toor:x:0:0::/:/bin/sh
            nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
            big:x:4294967296:0::/:/bin/sh
            """, Passwd.parse)
        #expect(names == [0: "root", 65534: "nobody"])
        #expect(try sandbox.passwd(buffer: ReadBuffer())[65534] == "nobody")
    }
}
