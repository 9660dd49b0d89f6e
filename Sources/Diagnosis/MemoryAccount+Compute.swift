import KernelFiles
import MemoryModel

extension MemoryAccount {
    /// Splits MemTotal into parts that add up to it exactly: each part is a
    /// /proc/meminfo counter (or a difference of two) chosen so that no page
    /// is counted twice, and the last part, "unaccounted", is the remainder.
    ///
    /// The counters overlap in known ways; each choice is noted where it is
    /// made below. Summary of what is NOT used, and why:
    /// - `Mapped`, `Mlocked`, `Unevictable`, `Active`/`Inactive`: views of
    ///   pages already counted in Cached, Shmem or AnonPages.
    /// - `KReclaimable` (4.20+) ⊇ SReclaimable: the rest of it (e.g. ION or
    ///   GPU pools) has no part of its own; it is named in the remainder's note.
    /// - `AnonHugePages` ⊂ AnonPages, `ShmemHugePages` ⊂ Shmem: children only.
    /// - `Slab` = SReclaimable + SUnreclaim: the two are used instead.
    /// When the parts exceed MemTotal (overlaps the kernel does not expose,
    /// or boot-time huge pages outside MemTotal) the remainder is 0 and its
    /// note says by how much, rather than going negative.
    public init(_ input: DiagnosisInput) {
        guard let meminfo = input.snapshot.meminfo, let total = meminfo.memTotal else {
            self.init(total: nil, parts: [])
            return
        }
        let context = AccountContext(input: input, meminfo: meminfo)
        var parts: [Part] = [
            Part(key: "free", label: "free", bytes: meminfo.memFree, source: "/proc/meminfo MemFree",
                 note: "pages on the buddy allocator's free lists; pages on the per-CPU lists are in neither this nor any other part"),
            context.pageCache(),
            context.shmem(),
            context.anonymous(),
        ]
        parts += context.slab()
        parts += [context.kernelStack(), context.pageTables(), context.vmalloc(), context.percpu(),
                  context.hugePages(), context.swapCache()]
        parts.append(context.unaccounted(total: total, parts: parts))
        self.init(total: total, parts: parts)
    }

    /// The sum of the parts' known bytes (saturating), unaccounted included.
    public var sum: UInt64 {
        parts.reduce(UInt64(0)) { sum, part in
            let (value, overflow) = sum.addingReportingOverflow(part.bytes ?? 0)
            return overflow ? .max : value
        }
    }

    /// The part with `key`, if any.
    public func part(_ key: String) -> Part? { parts.first { $0.key == key } }
}
