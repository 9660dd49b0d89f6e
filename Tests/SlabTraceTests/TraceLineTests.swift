import KernelFiles
import SlabTrace
import Testing
import TestSupport

/// The trace line parser on one line of each kernel format, table-driven.
@Suite struct TraceLineTests {
    func parse(_ line: String, cache: String? = "dentry") -> TraceEvent? {
        let bytes = Array(line.utf8)
        return bytes.withUnsafeBytes { TraceLineParser(cacheName: cache).parse($0[...])?.event }
    }

    @Test func allocationWithName() {
        // Linux 6.18, captured on the development host.
        let line = "              sh-18881   [001] .....  8213.520437: kmem_cache_alloc: call_site=__d_alloc+0x2d/0x230 ptr=00000000ef9d2ac6 name=dentry bytes_req=192 bytes_alloc=192 gfp_flags=GFP_KERNEL node=-1 accounted=true"
        #expect(parse(line) == .alloc(pid: 18881, time: 8_213_520_437_000, pointer: 0xef9d2ac6, callSite: nil))
    }

    @Test func allocationOfAnotherCacheIsDropped() {
        let line = "              sh-18881   [001] .....  8213.520437: kmem_cache_alloc: call_site=x+0x2d/0x230 ptr=00000000ef9d2ac6 name=inode_cache bytes_req=192"
        #expect(parse(line) == nil)
        #expect(parse(line, cache: nil) != nil)
    }

    @Test func allocationWithoutNameHexCallSite() {
        // Linux 4.19 format: call_site=%lx, no name.
        let line = "            curl-2300  [001] d..1   512.113020: kmem_cache_alloc: call_site=ffffffff8122f0a5 ptr=0000000099aa11ee bytes_req=192 bytes_alloc=192 gfp_flags=GFP_KERNEL"
        #expect(parse(line) == .alloc(pid: 2300, time: 512_113_020_000, pointer: 0x99aa11ee, callSite: 0xffffffff8122f0a5))
    }

    @Test func freeEvent() {
        let line = "     kworker/0:1-40      [000] ..s1.   812.116000: kmem_cache_free: call_site=__d_free+0x16/0x20 ptr=0000000012345678 name=dentry"
        #expect(parse(line) == .free(pid: 40, time: 812_116_000_000, pointer: 0x12345678))
    }

    @Test func processEvents() {
        #expect(parse("              sh-18881   [001] .....  8213.520972: sched_process_fork: comm=sh pid=18881 child_comm=sh child_pid=18888")
            == .fork(parentPID: 18881, childPID: 18888, childComm: "sh", time: 8_213_520_972_000))
        #expect(parse("              ls-18889   [000] .....  8213.533989: sched_process_exec: filename=/usr/bin/ls pid=18889 old_pid=18889")
            == .exec(pid: 18889, comm: "ls", filename: "/usr/bin/ls", time: 8_213_533_989_000))
        #expect(parse("              ls-18889   [000] .....  8213.535065: sched_process_exit: comm=ls pid=18889 prio=120 group_dead=true")
            == .exit(pid: 18889, time: 8_213_535_065_000))
        // 4.x: no group_dead.
        #expect(parse("            curl-2300  [001] ....   512.115000: sched_process_exit: comm=curl pid=2300 prio=120")
            == .exit(pid: 2300, time: 512_115_000_000))
    }

    @Test func commWithDashesSpacesAndBrackets() {
        // A task name may hold '-', ' ' and '[' (prctl PR_SET_NAME): the pid is after the last '-' before "[cpu]".
        let line = "  my-odd [name]-77-4242   [000] .....  10.000001: kmem_cache_free: call_site=a+0x1/0x2 ptr=00000000000000ff name=dentry"
        #expect(parse(line) == .free(pid: 4242, time: 10_000_001_000, pointer: 0xff))
    }

    @Test func lostEventsMarker() {
        #expect(parse("CPU:1 [LOST 4096 EVENTS]") == .lost(count: 4096))
    }

    @Test(arguments: [
        "",                                           // empty
        "# tracer: nop",                              // header
        "#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION",
        "garbage without brackets",
        "  sh-1 [000] ..... 12.5: kmem_cache_alloc: ptr=zz name=dentry", // not hex
        "  sh-1 [000] ..... 12.5: kmem_cache_alloc: name=dentry",         // no ptr
        "  sh-x [000] ..... 12.5: kmem_cache_free: ptr=01",               // pid not a number
        "  sh-1 [000] ..... notatime kmem_cache_free: ptr=01",            // no timestamp
        "  sh-1 [000] ..... 12.5: sched_switch: prev_comm=sh",             // another event
        "  sh-99999999999 [000] ..... 12.5: kmem_cache_free: ptr=01",      // pid too large
        "CPU:1 [LOST",                                                      // cut marker
    ])
    func malformedLinesAreSkipped(_ line: String) {
        #expect(parse(line) == nil)
    }
}
