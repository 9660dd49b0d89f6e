import KernelFiles
import SystemPackage
import Testing
import TestSupport

@Suite struct SmapsRollupTests {
    @Test func readsTheFiftyMebibytePython() throws {
        let rollup = try ProcessFixtures.root("linux-6.18-sandbox").smapsRollup(23342, buffer: ReadBuffer())
        #expect(rollup.rss == 60316 * 1024)
        #expect(rollup.pss == 56511 * 1024)
        #expect(rollup.pssAnon == 54696 * 1024 && rollup.pssFile == 1815 * 1024 && rollup.pssShmem == 0)
        #expect(rollup.privateDirty == 54696 * 1024)
        #expect(rollup.uss == (68 + 54696) * 1024)
        #expect(try #require(rollup.uss) >= 50 << 20)
        #expect(rollup.swap == 0 && rollup.swapPss == 0 && rollup.locked == 0)
    }

    /// On a kernel that has both, the sums of smaps are the rollup's except
    /// Pss, which the kernel truncates per mapping in smaps (at most 1 kB each).
    @Test(arguments: [Int32(23341), 23342, 23344, 23345])
    func summedSmapsMatchTheRollup(_ pid: Int32) throws {
        let root = ProcessFixtures.root("linux-6.18-sandbox")
        let rollup = try root.smapsRollup(pid, buffer: ReadBuffer())
        let sums = try root.smapsSums(pid, buffer: ReadBuffer())
        // The two files were read a moment apart from a live process: pages
        // may have been touched in between, so compare within 64 KiB.
        let slack: UInt64 = 64 << 10
        func near(_ a: UInt64?, _ b: UInt64?) -> Bool {
            guard let a, let b else { return a == nil && b == nil }
            return (a > b ? a - b : b - a) <= slack
        }
        #expect(near(rollup.rss, sums.rss))
        #expect(near(rollup.uss, sums.uss))
        #expect(near(rollup.swap, sums.swap))
        let buffer = ReadBuffer()
        try root.read("proc/\(pid)/maps", into: buffer)
        let mappings = UInt64(buffer.bytes.filter { $0 == UInt8(ascii: "\n") }.count)
        let rollupPss = try #require(rollup.pss)
        let summedPss = try #require(sums.pss)
        #expect(summedPss <= rollupPss + slack)
        #expect(rollupPss <= summedPss + mappings * 1024 + slack, "each mapping's Pss loses < 1 kB to truncation")
    }

    @Test func sumsPre414Smaps() throws {
        let sums = try ProcessFixtures.root("linux-4.4-ubuntu16").smapsSums(1200, buffer: ReadBuffer())
        #expect(sums.rss == 6420 * 1024)
        #expect(sums.pss == (450 + 1620 + 1300) * 1024)
        #expect(sums.uss == 1620 * 1024)
        #expect(sums.swap == 64 * 1024 && sums.swapPss == 64 * 1024)
        #expect(sums.sharedDirty == 900 * 1024)
        #expect(sums.pssAnon == nil, "Pss_Anon is a 5.x field")
        let old = try ProcessFixtures.root("linux-2.6.32-vanilla").smapsSums(1523, buffer: ReadBuffer())
        #expect(old.rss == 1204 * 1024 && old.pss == 454 * 1024 && old.uss == 104 * 1024 && old.swap == 8 * 1024)
        #expect(old.anonymous == nil && old.swapPss == nil)
    }

    @Test func smapsFlagLinesAreSkipped() throws {
        let text = """
            00400000-00401000 r-xp 00000000 08:01 12 /bin/x
            Size:                  4 kB
            Pss:                   4 kB
            THPeligible:    0
            ProtectionKey:         0
            VmFlags: rd ex mr mw me
            00401000-00402000 rw-p 00000000 00:00 0
            Pss:                   8 kB

            """
        let sums = try parseText(text, SmapsRollup.summingSmaps)
        #expect(sums.pss == 12 * 1024)
        #expect(throws: ParseError.self) { try parseText(text, SmapsRollup.parse) }
    }

    @Test func emptyRollupHasNoData() throws {
        let rollup = try parseText("", SmapsRollup.parse)
        #expect(rollup == SmapsRollup())
        #expect(rollup.uss == nil)
    }

    @Test(arguments: Fixtures.malformed("smaps_rollup").map(\.name))
    func rejectsMalformedWithFileAndLine(_ name: String) throws {
        let bytes = try #require(Fixtures.malformed("smaps_rollup").first { $0.name == name }?.bytes)
        do {
            _ = try parseBytes(bytes, path: "/proc/1/smaps_rollup", SmapsRollup.parse)
            Issue.record("\(name) parsed")
        } catch {
            #expect(error.path == "/proc/1/smaps_rollup")
            #expect(error.line != nil, "\(name): \(error)")
        }
    }

    @Test func permissionDeniedIsAReadError() {
        let root = ProcRoot(Fixtures.directory + "/processes/linux-6.18-sandbox",
                            io: FaultyIO.failing(["23342/smaps_rollup": .permissionDenied]))
        do {
            _ = try root.smapsRollup(23342, buffer: ReadBuffer())
            Issue.record("read")
        } catch {
            guard case .read(let read) = error else { Issue.record("\(error)"); return }
            #expect(read.isPermissionDenied)
        }
    }
}
