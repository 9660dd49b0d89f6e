import KernelFiles
import SystemPackage
import Testing
import TestSupport

/// The process fixture trees (`Tests/Fixtures/processes/<name>`) and their pids.
enum ProcessFixtures {
    static var names: [String] {
        (try? ProcRoot(Fixtures.directory).list("processes"))?.filter { !$0.hasPrefix(".") } ?? []
    }

    static func root(_ name: String) -> ProcRoot { ProcRoot(Fixtures.directory + "/processes/" + name) }

    /// (tree, pid) for every captured process.
    static var processes: [(String, Int32)] {
        names.flatMap { name in ((try? root(name).pids()) ?? []).map { (name, $0) } }
    }
}

@Suite struct ProcessStatusTests {
    @Test(arguments: ProcessFixtures.processes.map { "\($0.0)/\($0.1)" })
    func parsesEveryCapturedProcess(_ id: String) throws {
        let (tree, pid) = try #require(ProcessFixtures.processes.first { "\($0.0)/\($0.1)" == id })
        let status = try ProcessFixtures.root(tree).processStatus(pid, buffer: ReadBuffer())
        #expect(!status.name.isEmpty)
        #expect(status.tgid == nil || status.tgid == pid)
        if let size = status.vmSize {
            #expect(size % 1024 == 0)
            #expect(status.vmRSS.map { $0 <= size } == true)
        } else {
            #expect(status.vmRSS == nil, "a kernel thread has no Vm lines at all")
        }
    }

    @Test func readsTheSandboxCaptureOfAFiftyMebibytePython() throws {
        let status = try ProcessFixtures.root("linux-6.18-sandbox").processStatus(23342, buffer: ReadBuffer())
        #expect(status.name == "python3")
        #expect(status.effectiveUid == 0)
        #expect(status.vmSize == 65316 * 1024)
        #expect(status.vmRSS == 60316 * 1024)
        #expect(try #require(status.rssAnon) >= 50 << 20)
        #expect(status.rssFile == 5620 * 1024)
        #expect(status.rssShmem == 0)
        #expect(status.vmSwap == 0)
        #expect(status.threads == 1)
    }

    @Test func oldKernelsLeaveTheSplitRssNil() throws {
        let status = try ProcessFixtures.root("linux-4.4-ubuntu16").processStatus(1200, buffer: ReadBuffer())
        #expect(status.rssAnon == nil && status.rssFile == nil && status.rssShmem == nil, "RssAnon/File/Shmem since 4.5")
        #expect(status.vmSwap == 64 * 1024)
        #expect(status.effectiveUid == 33)
        let old = try ProcessFixtures.root("linux-2.6.32-vanilla").processStatus(1523, buffer: ReadBuffer())
        #expect(old.vmSwap == nil, "VmSwap since 2.6.34")
        #expect(old.vmPTE == 148 * 1024)
    }

    @Test func kernelThreadHasNoAddressSpace() throws {
        let status = try ProcessFixtures.root("linux-6.18-sandbox").processStatus(10, buffer: ReadBuffer())
        #expect(status.hasNoAddressSpace)
        #expect(status.name.hasPrefix("kworker/"))
    }

    @Test func keepsSpacesAndColonsInTheName() throws {
        let status = try parseText("Name:\ta: b c\nVmSize:\t 8 kB\n", ProcessStatus.parse)
        #expect(status.name == "a: b c")
        #expect(status.vmSize == 8192)
    }

    @Test(arguments: Fixtures.malformed("status").map(\.name))
    func rejectsMalformedWithFileAndLine(_ name: String) throws {
        let bytes = try #require(Fixtures.malformed("status").first { $0.name == name }?.bytes)
        do {
            _ = try parseBytes(bytes, path: "/proc/1/status", ProcessStatus.parse)
            Issue.record("\(name) parsed")
        } catch {
            #expect(error.path == "/proc/1/status")
            if name != "empty" && name != "no-name-line" { #expect(error.line != nil, "\(name): \(error)") }
        }
    }

    @Test(arguments: Fixtures.kernelNames)
    func aKernelTreeWithoutProcessesHasNoPids(_ kernel: String) throws {
        let root = Fixtures.kernel(kernel)
        #expect(try root.pids().isEmpty)
        #expect(throws: SourceError.self) { try root.processStatus(1, buffer: ReadBuffer()) }
        do { _ = try root.processStatus(1, buffer: ReadBuffer()) } catch {
            guard case .read(let read) = error else { Issue.record("\(error)"); return }
            #expect(read.isNoData, "ENOENT: no such process is no data, not a failure")
        }
    }
}

@Suite struct ProcessStatTests {
    @Test(arguments: ProcessFixtures.processes.map { "\($0.0)/\($0.1)" })
    func parsesEveryCapturedProcess(_ id: String) throws {
        let (tree, pid) = try #require(ProcessFixtures.processes.first { "\($0.0)/\($0.1)" == id })
        let stat = try ProcessFixtures.root(tree).processStat(pid, buffer: ReadBuffer())
        #expect(stat.pid == pid)
        let status = try ProcessFixtures.root(tree).processStatus(pid, buffer: ReadBuffer())
        #expect(stat.ppid == status.ppid)
        #expect(stat.vsize == status.vmSize ?? 0)
    }

    @Test func commWithParenthesesIsCutAtTheLastOne() throws {
        let stat = try ProcessFixtures.root("linux-6.18-sandbox").processStat(23345, buffer: ReadBuffer())
        #expect(stat.comm == "a) (b")
        #expect(stat.state == UInt8(ascii: "S"))
        #expect(stat.startTimeTicks == 144438)
        #expect(stat.vsize == 18_649_088)
        #expect(stat.rssPages == 3299)
    }

    @Test(arguments: [
        ("1 () R 0 0 0 0 -1 0 0 0 0 0 7 8 0 0 20 0 1 0 99 4096 1\n", ""),
        ("1 ()) R 0 0 0 0 -1 0 0 0 0 0 7 8 0 0 20 0 1 0 99 4096 1\n", ")"),
        ("1 (x) (y) R 0 0 0 0 -1 0 0 0 0 0 7 8 0 0 20 0 1 0 99 4096 1\n", "x) (y"),
        ("1 (a b c) R 0 0 0 0 -1 0 0 0 0 0 7 8 0 0 20 0 1 0 99 4096 1\n", "a b c"),
        ("1 ((() R 0 0 0 0 -1 0 0 0 0 0 7 8 0 0 20 0 1 0 99 4096 1\n", "(("),
    ])
    func commEdgeCases(_ line: String, _ comm: String) throws {
        let stat = try parseText(line, ProcessStat.parse)
        #expect(stat.comm == comm)
        #expect(stat.utimeTicks == 7 && stat.stimeTicks == 8)
        #expect(stat.startTimeTicks == 99 && stat.vsize == 4096 && stat.rssPages == 1)
    }

    @Test(arguments: Fixtures.malformed("pid-stat").map(\.name))
    func rejectsMalformedWithFileAndLine(_ name: String) throws {
        let bytes = try #require(Fixtures.malformed("pid-stat").first { $0.name == name }?.bytes)
        do {
            _ = try parseBytes(bytes, path: "/proc/1/stat", ProcessStat.parse)
            Issue.record("\(name) parsed")
        } catch {
            #expect(error.path == "/proc/1/stat")
            if name != "empty" { #expect(error.line == 1, "\(name): \(error)") }
        }
    }
}

@Suite struct ProcessStatmTests {
    @Test(arguments: ProcessFixtures.processes.map { "\($0.0)/\($0.1)" })
    func agreesWithStatus(_ id: String) throws {
        let (tree, pid) = try #require(ProcessFixtures.processes.first { "\($0.0)/\($0.1)" == id })
        let root = ProcessFixtures.root(tree)
        let statm = try root.processStatm(pid, buffer: ReadBuffer())
        let status = try root.processStatus(pid, buffer: ReadBuffer())
        #expect(statm.sizePages * 4096 == status.vmSize ?? 0)
        #expect(statm.residentPages * 4096 == status.vmRSS ?? 0)
        if let file = status.rssFile, let shmem = status.rssShmem {
            #expect(statm.sharedPages * 4096 == file + shmem, "since 4.5 statm shared = RssFile + RssShmem")
        }
        #expect(statm.libPages == 0 && statm.dirtyPages == 0)
    }

    @Test(arguments: Fixtures.malformed("statm").map(\.name))
    func rejectsMalformedWithFileAndLine(_ name: String) throws {
        let bytes = try #require(Fixtures.malformed("statm").first { $0.name == name }?.bytes)
        do {
            _ = try parseBytes(bytes, path: "/proc/1/statm", ProcessStatm.parse)
            Issue.record("\(name) parsed")
        } catch {
            #expect(error.path == "/proc/1/statm")
            if name != "empty" { #expect(error.line == 1, "\(name): \(error)") }
        }
    }
}
