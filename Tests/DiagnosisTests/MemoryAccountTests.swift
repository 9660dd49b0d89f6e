import Diagnosis
import KernelFiles
import MemoryModel
import Testing
import TestSupport

@Suite struct MemoryAccountTests {
    static var trees: [String] {
        Fixtures.kernelNames.map(Fixtures.kernelPath) + Incidents.names.map(Incidents.path)
    }

    // On every fixture kernel and hand-made tree the parts add up to MemTotal
    // exactly, and no known part is larger than MemTotal.
    @Test(arguments: trees) func partsSumToMemTotal(tree: String) throws {
        let account = MemoryAccount(DiagnosisInput.gather(root: ProcRoot(tree)))
        let total = try #require(account.total)
        #expect(account.sum == total, "\(tree): \(account.parts.map { ($0.key, $0.bytes) })")
        #expect(account.parts.last?.key == "unaccounted")
        #expect(account.parts.map(\.key) == [
            "free", "page_cache", "shmem", "anon", "slab_reclaimable", "slab_unreclaimable", "kernel_stack",
            "page_tables", "vmalloc", "percpu", "huge_pages", "swap_cache", "unaccounted",
        ])
    }

    // The live host: the parts come from one reading of /proc/meminfo, so
    // they add up to its MemTotal exactly however the figures move.
    @Test func liveSumsToMemTotal() throws {
        let account = MemoryAccount(DiagnosisInput.gather(root: ProcRoot(), scansProcesses: false))
        let total = try #require(account.total)
        #expect(account.sum == total)
        #expect(account.part("unaccounted")?.note?.contains("exceed") == false)
    }

    // The incident host (2.6.32): PRODUCT.md's figures, the dentry cache
    // first among reclaimable slab, vmalloc unknown (address space before 4.4).
    @Test func incidentParts() throws {
        let account = MemoryAccount(DiagnosisInput.gather(root: Incidents.root("dentry-leak-rhel6")))
        let kB: UInt64 = 1024
        #expect(account.total == 65922868 * kB)
        #expect(account.part("free")?.bytes == 9001452 * kB)
        #expect(account.part("page_cache")?.bytes == (3207144 - 1044 + 412336) * kB)
        #expect(account.part("slab_reclaimable")?.bytes == 38506072 * kB)
        #expect(account.part("slab_unreclaimable")?.bytes == 736144 * kB)
        let dentry = try #require(account.part("slab_reclaimable")?.children.first)
        #expect(dentry.label == "dentry")
        #expect(dentry.bytes == 9_147_689 * 4096)
        #expect(dentry.note?.contains("guessed") == true, "SLAB has no reclaim_account in sysfs")
        #expect(account.part("vmalloc")?.bytes == nil)
        #expect(account.part("percpu")?.bytes == nil)
        #expect(account.part("huge_pages")?.bytes == 0)
        #expect(account.part("shmem")?.children.map(\.label) == ["/dev", "/dev/shm"])
        let anon = try #require(account.part("anon"))
        #expect(anon.children.first?.key == "anon_huge_pages")
        #expect(anon.children.dropFirst().first?.label == "pid 1720 haproxy")
    }

    // 5.3+: vmalloc pages with the vmap'd kernel stacks taken out.
    @Test func vmallocOnModernKernel() throws {
        let account = MemoryAccount(DiagnosisInput.gather(root: Incidents.root("page-cache-heavy")))
        #expect(account.part("vmalloc")?.bytes == (58000 - 12800) * 1024)
        #expect(account.part("percpu")?.bytes == 14336 * 1024)
        #expect(account.part("page_cache")?.bytes == (60115392 - 53248 + 405120) * 1024)
    }

    // Parts larger than MemTotal (overlapping counters): the remainder is 0
    // and its note says by how much, never negative.
    @Test func overlapExceedingTotal() throws {
        var input = DiagnosisInput.gather(root: Incidents.root("healthy-small"), scansProcesses: false)
        input.snapshot.meminfo = Meminfo(fields: [
            .init(name: "MemTotal", value: 1000 * 1024, isBytes: true),
            .init(name: "MemFree", value: 600 * 1024, isBytes: true),
            .init(name: "AnonPages", value: 300 * 1024, isBytes: true),
            .init(name: "SwapCached", value: 200 * 1024, isBytes: true),
        ])
        let account = MemoryAccount(input)
        let rest = try #require(account.part("unaccounted"))
        #expect(rest.bytes == 0)
        #expect(rest.note?.contains("exceed MemTotal by 102400 bytes") == true)
        #expect(account.part("page_cache")?.bytes == nil)
    }

    // No /proc/meminfo: nothing to split.
    @Test func withoutMeminfo() {
        var input = DiagnosisInput.gather(root: Incidents.root("healthy-small"), scansProcesses: false)
        input.snapshot.meminfo = nil
        let account = MemoryAccount(input)
        #expect(account.total == nil)
        #expect(account.parts.isEmpty)
    }
}
