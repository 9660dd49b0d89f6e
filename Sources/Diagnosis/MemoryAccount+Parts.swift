import KernelFiles
import MemoryModel

// Each part of the account and the overlap choice behind it; the summary
// is on `MemoryAccount.init(_:)` in MemoryAccount+Compute.swift.

/// The facts one account is computed from.
struct AccountContext {
    let input: DiagnosisInput
    let meminfo: Meminfo
    /// nil when the tree does not say.
    let release: KernelRelease?
    static let topCaches = 5
    static let topProcesses = 5

    init(input: DiagnosisInput, meminfo: Meminfo) {
        self.input = input
        self.meminfo = meminfo
        self.release = input.snapshot.host.kernelRelease.flatMap { text in
            Array(text.utf8).withUnsafeBytes { try? KernelRelease.parse($0, path: "osrelease") }
        }
    }

    func field(_ name: String) -> UInt64? { meminfo[name] }

    /// A meminfo field as a child part; nil when this kernel does not print it.
    func child(_ name: String, key: String, label: String, note: String? = nil) -> MemoryAccount.Part? {
        guard let bytes = field(name) else { return nil }
        return MemoryAccount.Part(key: key, label: label, bytes: bytes, source: "/proc/meminfo \(name)", note: note)
    }

    /// Cached counts every page of the page cache except swap cache and
    /// Buffers, and Shmem (tmpfs, shared anonymous, SysV shm) lives in the
    /// page cache too: the file cache proper is Cached − Shmem, plus Buffers
    /// (block-device pages, disjoint from Cached). Active(file) and
    /// Inactive(file) split about the same pages (Buffers included, mlocked
    /// file pages excluded); Dirty and Writeback are pages inside it.
    func pageCache() -> MemoryAccount.Part {
        let cached = field("Cached"), buffers = field("Buffers"), shmem = field("Shmem")
        var note: String? = "file pages read or written recently; the kernel drops clean ones when memory is needed"
        var bytes: UInt64?
        if let cached {
            var file = cached
            if let shmem {
                if shmem <= cached { file = cached - shmem } else {
                    file = 0
                    note = "Shmem exceeds Cached here, so the file cache is shown as 0"
                }
            } else {
                note = "includes tmpfs/shmem: this kernel (before 2.6.32) prints no Shmem line"
            }
            bytes = file.addingReportingOverflow(buffers ?? 0).partialValue
        }
        let children = [
            child("Buffers", key: "buffers", label: "buffers", note: "block device pages (file system metadata)"),
            child("Active(file)", key: "active_file", label: "active file"),
            child("Inactive(file)", key: "inactive_file", label: "inactive file"),
            child("Dirty", key: "dirty", label: "dirty", note: "waiting to be written back"),
            child("Writeback", key: "writeback", label: "writeback", note: "being written now"),
        ].compactMap { $0 }
        return MemoryAccount.Part(key: "page_cache", label: "page cache", bytes: bytes,
                                  source: "/proc/meminfo Cached - Shmem + Buffers", children: children, note: note)
    }

    /// Shmem is inside Cached (subtracted from the page cache above) and not
    /// in AnonPages. Shmem pages in the swap cache or swapped out are not
    /// counted in it.
    func shmem() -> MemoryAccount.Part {
        var children = input.tmpfs.map {
            MemoryAccount.Part(key: "tmpfs", label: $0.mountPoint, bytes: $0.usedBytes,
                               source: "statfs(2) used blocks",
                               note: $0.sizeBytes.map { "size limit " + String($0) + " bytes" })
        }
        if let huge = child("ShmemHugePages", key: "shmem_huge_pages", label: "shmem huge pages") { children.append(huge) }
        return MemoryAccount.Part(
            key: "shmem", label: "shmem/tmpfs", bytes: field("Shmem"), source: "/proc/meminfo Shmem", children: children,
            note: "tmpfs and devtmpfs files, shared anonymous mappings and SysV/POSIX shared memory; freed only when deleted or unmapped; a mount's used blocks include its swapped-out pages, which Shmem does not")
    }

    /// AnonPages: anonymous pages mapped into processes (heap, stacks,
    /// private copies). AnonHugePages (THP) are inside it. The children are
    /// the largest processes by USS (private pages, which also counts private
    /// file pages) or, without smaps, VmRSS: per-process views that overlap
    /// shared pages and need not add up to the part.
    func anonymous() -> MemoryAccount.Part {
        var children: [MemoryAccount.Part] = []
        if let huge = child("AnonHugePages", key: "anon_huge_pages", label: "transparent huge pages") { children.append(huge) }
        let rows = (input.processes?.rows ?? []).filter { ($0.uss ?? $0.res) != nil }
        let top = rows.sorted { left, right in
            let a = left.uss ?? left.res ?? 0, b = right.uss ?? right.res ?? 0
            return a != b ? a > b : left.pid < right.pid
        }.prefix(Self.topProcesses)
        // The sweep sums smaps before 4.14 (no smaps_rollup).
        let smapsFile = release.map { $0.isAtLeast(4, 14) } == false ? "smaps" : "smaps_rollup"
        for row in top {
            let usesUSS = row.uss != nil
            children.append(MemoryAccount.Part(
                key: "process", label: "pid \(row.pid) \(row.command)", bytes: row.uss ?? row.res,
                source: usesUSS ? "/proc/\(row.pid)/\(smapsFile) Private_*" : "/proc/\(row.pid)/status VmRSS",
                note: usesUSS ? "USS" : "RSS (no smaps figures)"))
        }
        return MemoryAccount.Part(
            key: "anon", label: "process anonymous", bytes: field("AnonPages"), source: "/proc/meminfo AnonPages",
            children: children, note: "process heap, stacks and private copies; freed only when processes free them or by swapping")
    }

    /// SReclaimable and SUnreclaim are disjoint and sum to Slab. The top
    /// caches come from /proc/slabinfo (its sizes need not match meminfo's
    /// exactly: per-CPU and partial slabs). Which part a cache belongs to is
    /// its `reclaim_account` flag from /sys/kernel/slab; without it (SLAB
    /// allocator, or sysfs unread) a guess from the name, labelled as such.
    func slab() -> [MemoryAccount.Part] {
        let table = input.snapshot.slabTable(sort: .size)
        let slabTotal = field("Slab")
        var reclaimable: [MemoryAccount.Part] = [], unreclaimable: [MemoryAccount.Part] = []
        for row in table?.rows ?? [] where row.sizeBytes > 0 {
            let known = row.reclaimable
            let isReclaimable = known ?? Self.nameSuggestsReclaimable(row.cache.name)
            guard (isReclaimable ? reclaimable.count : unreclaimable.count) < Self.topCaches else { continue }
            var note = slabTotal.flatMap { $0 > 0 ? Self.percent(row.sizeBytes, of: $0) + " of slab" : nil }
            if known == nil { note = (note.map { $0 + "; " } ?? "") + "reclaimability guessed from the name" }
            let part = MemoryAccount.Part(key: "slab_cache", label: row.cache.name, bytes: row.sizeBytes,
                                          source: "/proc/slabinfo", note: note)
            if isReclaimable { reclaimable.append(part) } else { unreclaimable.append(part) }
            if reclaimable.count >= Self.topCaches && unreclaimable.count >= Self.topCaches { break }
        }
        let missing = table == nil ? "; top caches unknown: /proc/slabinfo was not read" : ""
        return [
            MemoryAccount.Part(key: "slab_reclaimable", label: "slab reclaimable", bytes: field("SReclaimable"),
                               source: "/proc/meminfo SReclaimable", children: reclaimable,
                               note: "kernel object caches the kernel may shrink under pressure (dentries, inodes)" + missing),
            MemoryAccount.Part(key: "slab_unreclaimable", label: "slab unreclaimable", bytes: field("SUnreclaim"),
                               source: "/proc/meminfo SUnreclaim", children: unreclaimable,
                               note: "kernel objects in use (kmalloc, network, file handles); freed only by their owners" + missing),
        ]
    }

    /// Caches created with SLAB_RECLAIM_ACCOUNT in mainline since 2.6: the
    /// dentry and inode caches, radix tree nodes and buffer heads.
    static func nameSuggestsReclaimable(_ name: String) -> Bool {
        name == "dentry" || name.contains("inode") || name == "radix_tree_node" || name == "buffer_head"
            || name == "bdev_cache" || name == "xfs_ili"
    }

    /// KernelStack (2.6.32+): THREAD_SIZE per task. With CONFIG_VMAP_STACK
    /// (x86_64 and arm64 default since 4.9) the stacks are vmalloc pages,
    /// taken out of the vmalloc part below.
    func kernelStack() -> MemoryAccount.Part {
        MemoryAccount.Part(key: "kernel_stack", label: "kernel stacks", bytes: field("KernelStack"),
                           source: "/proc/meminfo KernelStack", note: "one per thread")
    }

    /// PageTables, plus SecPageTables (6.3+: KVM/IOMMU secondary page
    /// tables, disjoint from PageTables) when printed.
    func pageTables() -> MemoryAccount.Part {
        var bytes = field("PageTables")
        var source = "/proc/meminfo PageTables"
        var children: [MemoryAccount.Part] = []
        if let secondary = field("SecPageTables") {
            bytes = (bytes ?? 0).addingReportingOverflow(secondary).partialValue
            source += " + SecPageTables"
            if let own = child("PageTables", key: "process_page_tables", label: "process page tables") { children.append(own) }
            if let sec = child("SecPageTables", key: "secondary_page_tables", label: "secondary (KVM, IOMMU)") { children.append(sec) }
        }
        return MemoryAccount.Part(key: "page_tables", label: "page tables", bytes: bytes, source: source,
                                  children: children, note: "grow with mapped memory and process count")
    }

    /// VmallocUsed means RAM only since 5.3 (vmalloc'd pages). Before 4.4 it
    /// was vmalloc address space in use, ioremap'd device memory included,
    /// and 4.4–5.2 print 0: on those kernels the part is unknown and vmalloc
    /// pages fall in the remainder. Since 5.3 the vmap'd kernel stacks are
    /// in it too, so KernelStack is taken out when it fits.
    func vmalloc() -> MemoryAccount.Part {
        let used = field("VmallocUsed")
        let key = "vmalloc", label = "vmalloc", source = "/proc/meminfo VmallocUsed"
        if let release, !release.isAtLeast(5, 3) {
            let why = release.isAtLeast(4, 4)
                ? "VmallocUsed is always 0 on Linux 4.4 to 5.2"
                : "VmallocUsed before Linux 4.4 is address space (ioremap'd device memory included), not RAM"
            return MemoryAccount.Part(key: key, label: label, bytes: nil, source: source,
                                      note: why + "; vmalloc pages are in the unaccounted remainder")
        }
        guard let used else { return MemoryAccount.Part(key: key, label: label, bytes: nil, source: source) }
        if let stacks = field("KernelStack"), stacks <= used {
            return MemoryAccount.Part(key: key, label: label, bytes: used - stacks, source: source + " - KernelStack",
                                      note: "modules, BPF, large kernel buffers; kernel stacks (vmap'd, CONFIG_VMAP_STACK) are shown as their own part")
        }
        return MemoryAccount.Part(key: key, label: label, bytes: used, source: source,
                                  note: "modules, BPF, large kernel buffers")
    }

    /// Percpu (3.18+): the per-CPU allocator's chunks; not vmalloc-counted.
    func percpu() -> MemoryAccount.Part {
        MemoryAccount.Part(key: "percpu", label: "percpu", bytes: field("Percpu"), source: "/proc/meminfo Percpu",
                           note: field("Percpu") == nil ? "not printed before Linux 3.18; in the remainder" : nil)
    }

    /// The hugetlb pool: neither in MemFree (even when free) nor in
    /// AnonPages/Shmem. `Hugetlb` (4.16+) counts every page size;
    /// HugePages_Total * Hugepagesize only the default one. Gigantic pages
    /// reserved at boot may lie outside MemTotal.
    func hugePages() -> MemoryAccount.Part {
        let size = field("Hugepagesize")
        func pool(_ name: String) -> UInt64? {
            guard let count = field(name), let size else { return nil }
            let (bytes, overflow) = count.multipliedReportingOverflow(by: size)
            return overflow ? nil : bytes
        }
        let children = [("HugePages_Total", "total"), ("HugePages_Free", "free"), ("HugePages_Rsvd", "reserved"),
                        ("HugePages_Surp", "surplus")].compactMap { name, label -> MemoryAccount.Part? in
            guard let bytes = pool(name) else { return nil }
            return MemoryAccount.Part(key: "huge_pages_" + label, label: label + " (\(field(name) ?? 0) pages)", bytes: bytes,
                                      source: "/proc/meminfo \(name) * Hugepagesize")
        }
        if let all = field("Hugetlb") {
            return MemoryAccount.Part(key: "huge_pages", label: "huge pages", bytes: all, source: "/proc/meminfo Hugetlb",
                                      children: children, note: "the hugetlb pool, every page size; reserved for applications that map it")
        }
        return MemoryAccount.Part(key: "huge_pages", label: "huge pages", bytes: pool("HugePages_Total"),
                                  source: "/proc/meminfo HugePages_Total * Hugepagesize", children: children,
                                  note: "the hugetlb pool of the default size; reserved for applications that map it")
    }

    /// SwapCached is outside Cached, but a swap-cache page still mapped by
    /// a process is also in AnonPages: the two can overlap by up to SwapCached.
    func swapCache() -> MemoryAccount.Part {
        MemoryAccount.Part(key: "swap_cache", label: "swap cache", bytes: field("SwapCached"),
                           source: "/proc/meminfo SwapCached",
                           note: "pages both in swap and in memory; those still mapped are also in process anonymous")
    }

    func unaccounted(total: UInt64, parts: [MemoryAccount.Part]) -> MemoryAccount.Part {
        let sum = MemoryAccount(total: total, parts: parts).sum
        var known: [String] = []
        if let zswap = field("Zswap"), zswap > 0 { known.append("the zswap pool (\(zswap) bytes)") }
        if let unaccepted = field("Unaccepted"), unaccepted > 0 { known.append("unaccepted memory (\(unaccepted) bytes)") }
        if let kReclaimable = field("KReclaimable"), let sReclaimable = field("SReclaimable"), kReclaimable > sReclaimable {
            known.append("other reclaimable kernel memory (KReclaimable - SReclaimable, \(kReclaimable - sReclaimable) bytes)")
        }
        if let tmp = field("WritebackTmp"), tmp > 0 { known.append("FUSE writeback buffers (\(tmp) bytes)") }
        let inside = known.isEmpty ? "" : "; it includes " + known.joined(separator: ", ")
        let base = "MemTotal minus every part above: pages drivers took straight from the page allocator (network buffers, GPU), the per-CPU free lists"
        if sum > total {
            return MemoryAccount.Part(
                key: "unaccounted", label: "unaccounted", bytes: 0, source: "derived: MemTotal - parts",
                note: "the parts exceed MemTotal by \(sum - total) bytes: kernel counters overlap (swap cache pages still mapped, vmalloc'd memory counted twice) or boot-time huge pages lie outside MemTotal; shown as 0")
        }
        return MemoryAccount.Part(key: "unaccounted", label: "unaccounted", bytes: total - sum,
                                  source: "derived: MemTotal - parts", note: base + inside)
    }

    static func percent(_ part: UInt64, of whole: UInt64) -> String {
        let tenths = (Double(part) / Double(whole) * 1000).rounded()
        return String(Int(tenths) / 10) + "." + String(Int(tenths) % 10) + "%"
    }
}
