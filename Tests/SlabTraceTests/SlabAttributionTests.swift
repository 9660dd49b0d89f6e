import KernelFiles
import SlabTrace
import Testing
import TestSupport

/// Folding captured traces of several kernel formats into attribution.
@Suite struct SlabAttributionTests {
    static func fixture(_ name: String) -> [UInt8] {
        let buffer = ReadBuffer()
        _ = try? ProcRoot(Fixtures.directory + "/trace").read(name, into: buffer)
        return buffer.bytes
    }

    func fold(_ bytes: [UInt8], chunk: Int = .max, facts: ProcessFacts? = nil) -> SlabAttribution {
        let attribution = SlabAttribution(cacheName: "dentry", facts: facts)
        bytes.withUnsafeBytes { all in
            var start = 0
            while start < all.count {
                let end = min(all.count, start + chunk)
                attribution.feed(UnsafeRawBufferPointer(rebasing: all[start..<end]))
                start = end
            }
        }
        attribution.finish()
        return attribution
    }

    @Test func linux618CaptureNamesTheProbingChildrenAndTheirScript() {
        let bytes = Self.fixture("linux-6.18-hc.trace")
        #expect(bytes.count > 10_000)
        let report = SlabAttributionReport(fold(bytes), cache: "dentry", durationSeconds: 1)
        let probing = report.groups.first { $0.command == "sh" && $0.parent == "/tmp/hc.sh" }
        #expect(probing?.processes == 3)
        #expect(probing?.starts == 3)
        #expect((probing?.allocated ?? 0) >= 600, "three children × 200 probes")
        // The script's rmdir freed the negative dentries again: matched by pointer.
        #expect((probing?.freed ?? 0) >= 590)
        #expect(report.lostEvents == 0)
        #expect(report.allocations == report.groups.reduce(0) { $0 + $1.allocated })
    }

    @Test func splitReadsGiveTheSameResult() {
        let bytes = Self.fixture("linux-6.18-hc.trace")
        let whole = SlabAttributionReport(fold(bytes), cache: "dentry", durationSeconds: 1)
        for chunk in [1, 7, 100, 4096] {
            #expect(SlabAttributionReport(fold(bytes, chunk: chunk), cache: "dentry", durationSeconds: 1) == whole, "chunk \(chunk)")
        }
    }

    @Test(arguments: ["linux-4.19-dentry.trace", "linux-5.15-dentry.trace"])
    func olderFormats(_ name: String) {
        let attribution = fold(Self.fixture(name))
        let report = SlabAttributionReport(attribution, cache: "dentry", durationSeconds: 0.5)
        #expect(report.lostEvents == 12)
        #expect(report.allocations == 3)
        #expect(report.frees == 2)
        #expect(report.freesOfOlderObjects == 1, "the kworker freed an object allocated before the trace")
        #expect(report.kept == 2)
        let curl = report.groups.first
        #expect(curl?.command == "curl")
        #expect(curl?.executable == "/usr/bin/curl")
        #expect(curl?.parentPID == 2211)
        #expect(curl?.kept == 2)
        #expect(curl?.shareOfGrowth == 1)
        #expect(curl?.startsPerSecond == 2)
    }

    @Test func liveFactsNameTheScriptAndCgroup() {
        // sh 2211 runs the health check; curl 2300 is gone before /proc can be read.
        let facts = ProcessFacts(
            commandLine: { $0 == 2211 ? ["/bin/sh", "/opt/lb/healthcheck.sh"] : nil },
            cgroup: { $0 == 2211 ? "/system.slice/lb-health.service" : nil },
            parentPID: { $0 == 2211 ? 1 : nil },
            comm: { $0 == 1 ? "systemd" : nil })
        let report = SlabAttributionReport(fold(Self.fixture("linux-5.15-dentry.trace"), facts: facts),
                                           cache: "dentry", durationSeconds: 1)
        let curl = report.groups.first
        #expect(curl?.parent == "/opt/lb/healthcheck.sh")
        #expect(curl?.cgroup == "/system.slice/lb-health.service", "a child inherits its parent's cgroup")
    }

    @Test func pidReuseStartsANewRecord() {
        let text = """
              sh-10  [000] .....  1.000000: sched_process_fork: comm=sh pid=10 child_comm=sh child_pid=11
              a-11  [000] .....  1.100000: sched_process_exec: filename=/bin/a pid=11 old_pid=11
              a-11  [000] .....  1.200000: kmem_cache_alloc: call_site=x ptr=01 name=dentry
              a-11  [000] .....  1.300000: sched_process_exit: comm=a pid=11 prio=120
              sh-10  [000] .....  2.000000: sched_process_fork: comm=sh pid=10 child_comm=sh child_pid=11
              b-11  [000] .....  2.100000: sched_process_exec: filename=/bin/b pid=11 old_pid=11
              b-11  [000] .....  2.200000: kmem_cache_alloc: call_site=x ptr=02 name=dentry
              b-11  [000] .....  2.200000: kmem_cache_alloc: call_site=x ptr=03 name=dentry

            """
        let report = SlabAttributionReport(fold(Array(text.utf8)), cache: "dentry", durationSeconds: 1)
        #expect(report.groups.map(\.command) == ["b", "a"])
        #expect(report.groups.map(\.kept) == [2, 1])
    }

    @Test func scriptNames() {
        #expect(ScriptName.script(in: ["/bin/sh", "/opt/lb/healthcheck.sh"]) == "/opt/lb/healthcheck.sh")
        #expect(ScriptName.script(in: ["bash", "-e", "run.sh", "arg"]) == "run.sh")
        #expect(ScriptName.script(in: ["/usr/bin/env", "python3", "probe.py"]) == "probe.py")
        #expect(ScriptName.script(in: ["sh", "-c", "echo"]) == nil)
        #expect(ScriptName.script(in: ["/usr/bin/curl", "-k", "https://x"]) == nil)
    }

    @Test func kallsymsRanges() {
        let text = """
            ffffffff8122f000 T d_set_d_op
            ffffffff8122f070 t __d_alloc
            ffffffff8122f2a0 T d_alloc
            ffffffff8122c2a0 t __d_free
            ffffffff8122c2c0 t __d_free_external
            ffffffff8122c300 t dentry_free
            ffffffffc0001000 t __d_alloc\t[somemodule]

            """
        let ranges = Array(text.utf8).withUnsafeBytes { KernelSymbols.ranges(of: ["__d_alloc", "__d_free", "__d_free_external"], in: $0) }
        #expect(ranges["__d_alloc"] == 0xffffffff8122f070..<0xffffffff8122f2a0)
        #expect(ranges["__d_free"] == 0xffffffff8122c2a0..<0xffffffff8122c2c0)
        #expect(ranges["__d_free_external"] == 0xffffffff8122c2c0..<0xffffffff8122c300)
    }

    @Test func filterChoice() throws {
        let withName = "\tfield:__data_loc char[] name;\toffset:24;\tsize:4;\tsigned:0;"
        let filter = try CacheFilter.choose(cache: "dentry", allocFormat: withName, freeFormat: withName) { nil }
        #expect(filter.allocFilter == "name == \"dentry\"")
        #expect(!filter.byCallSite)
        let kallsyms = Array("ffffffff8122f070 t __d_alloc\nffffffff8122f2a0 T d_alloc\nffffffff8122c2a0 t __d_free\nffffffff8122c2c0 t __d_free_external\nffffffff8122c300 t dentry_free\n".utf8)
        let old = try CacheFilter.choose(cache: "dentry", allocFormat: "", freeFormat: withName) { kallsyms }
        #expect(old.allocFilter == "(call_site >= 0xffffffff8122f070 && call_site < 0xffffffff8122f2a0)")
        #expect(old.freeFilter == "name == \"dentry\"")
        #expect(throws: TraceFailure.self) { try CacheFilter.choose(cache: "inode_cache", allocFormat: "", freeFormat: "") { kallsyms } }
        #expect(throws: TraceFailure.self) { try CacheFilter.choose(cache: "dentry", allocFormat: "", freeFormat: "") { nil } }
    }
}
