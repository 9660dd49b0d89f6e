/// One entry of `/proc/kpageflags` (2.6.25+, root only): 64 flag bits per
/// physical page frame, at offset PFN × 8. The stable bits, from
/// Documentation/admin-guide/mm/pagemap.rst and
/// include/uapi/linux/kernel-page-flags.h:
///
///     0 LOCKED  1 ERROR (unused since 6.x)  2 REFERENCED  3 UPTODATE  4 DIRTY
///     5 LRU  6 ACTIVE  7 SLAB  8 WRITEBACK  9 RECLAIM  10 BUDDY
///     11 MMAP  12 ANON  13 SWAPCACHE  14 SWAPBACKED  15 COMPOUND_HEAD
///     16 COMPOUND_TAIL  17 HUGE  18 UNEVICTABLE  19 HWPOISON  20 NOPAGE  (2.6.31+)
///     21 KSM (2.6.32+)  22 THP (3.4+)  23 OFFLINE (4.20+, was BALLOON 3.18)
///     24 ZERO_PAGE (4.0+)  25 IDLE (4.3+)  26 PGTABLE (4.18+)
///
/// Bits 32 and up are kernel-hacking flags ("never rely on them"); they are
/// kept in `raw` and named only as "bit N".
public struct KernelPageFlags: Sendable, Equatable {
    public let raw: UInt64

    public init(raw: UInt64) { self.raw = raw }

    /// The kernel's KPF_* names, indexed by bit.
    public static let names: [String] = [
        "LOCKED", "ERROR", "REFERENCED", "UPTODATE", "DIRTY", "LRU", "ACTIVE", "SLAB", "WRITEBACK",
        "RECLAIM", "BUDDY", "MMAP", "ANON", "SWAPCACHE", "SWAPBACKED", "COMPOUND_HEAD", "COMPOUND_TAIL",
        "HUGE", "UNEVICTABLE", "HWPOISON", "NOPAGE", "KSM", "THP", "OFFLINE", "ZERO_PAGE", "IDLE", "PGTABLE",
    ]

    /// The set flags by name (`"bit 33"` for an unnamed one), lowest bit first.
    public var setNames: [String] {
        (0..<64).compactMap { (bit: Int) -> String? in
            guard raw >> UInt64(bit) & 1 == 1 else { return nil }
            return bit < Self.names.count ? Self.names[bit] : "bit \(bit)"
        }
    }

    public func contains(_ name: String) -> Bool {
        guard let bit = Self.names.firstIndex(of: name) else { return false }
        return raw >> UInt64(bit) & 1 == 1
    }

    /// The frame is part of a huge page (hugetlbfs HUGE or transparent THP).
    public var isHuge: Bool { contains("HUGE") || contains("THP") }
}

extension ProcRoot {
    /// Reads `/proc/kpageflags` for one page frame.
    public func kernelPageFlags(pfn: UInt64) throws(SourceError) -> KernelPageFlags {
        let (offset, overflow) = pfn.multipliedReportingOverflow(by: 8)
        guard !overflow else {
            throw .parse(ParseError(path: path("proc/kpageflags"), line: nil, text: nil, expected: "a page frame number below 2^61"))
        }
        return KernelPageFlags(raw: try readWord("proc/kpageflags", at: offset))
    }
}
