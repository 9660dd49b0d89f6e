/// One entry of `/proc/PID/pagemap`: how one virtual page of a process is
/// backed. The file holds one little-endian 64-bit word per virtual page,
/// at offset (address / page size) × 8 (Documentation/admin-guide/mm/pagemap.rst):
///
///     bits 0-54  page frame number (PFN) if present
///     bits 0-4   swap type if swapped
///     bits 5-54  swap offset if swapped
///     bit  55    pte is soft-dirty (3.11+)
///     bit  56    page exclusively mapped (4.2+)
///     bit  57    pte is uffd-wp write-protected (5.17+)
///     bit  58    pte is a guard region (6.15+)
///     bits 59-60 zero
///     bit  61    page is file-page or shared-anon (3.5+)
///     bit  62    page swapped
///     bit  63    page present
///
/// Since 4.0 the PFN reads as 0 without CAP_SYS_ADMIN (4.0–4.1 refused the
/// open instead); `pfn` is then nil and `pfnHidden` true.
public struct PagemapEntry: Sendable, Equatable {
    public let raw: UInt64
    /// Whether the reader was allowed to see frame numbers (root /
    /// CAP_SYS_ADMIN). When false a zero PFN means "hidden", not frame 0.
    public let pfnVisible: Bool

    public init(raw: UInt64, pfnVisible: Bool = true) {
        self.raw = raw
        self.pfnVisible = pfnVisible
    }

    private func bit(_ n: UInt64) -> Bool { raw >> n & 1 == 1 }

    public var present: Bool { bit(63) }
    public var swapped: Bool { bit(62) }
    public var fileOrSharedAnon: Bool { bit(61) }
    public var guardRegion: Bool { bit(58) }
    public var uffdWriteProtected: Bool { bit(57) }
    public var exclusive: Bool { bit(56) }
    public var softDirty: Bool { bit(55) }

    /// Bits 0-54 as stored, whatever they mean.
    public var frameBits: UInt64 { raw & (1 << 55 - 1) }

    /// The page frame number of a present page; nil when not present, or
    /// when the kernel hid it (reads 0 without CAP_SYS_ADMIN).
    public var pfn: UInt64? {
        guard present, !swapped else { return nil }
        if frameBits == 0 && !pfnVisible { return nil }
        return frameBits
    }

    /// True when the page is present but its frame number was zeroed by the
    /// kernel because the reader lacks CAP_SYS_ADMIN.
    public var pfnHidden: Bool { present && !swapped && frameBits == 0 && !pfnVisible }

    /// Swap type (bits 0-4) of a swapped page.
    public var swapType: UInt64? { swapped ? raw & 0x1f : nil }
    /// Swap offset (bits 5-54) of a swapped page.
    public var swapOffset: UInt64? { swapped ? frameBits >> 5 : nil }
}

extension ProcRoot {
    /// Reads the pagemap entry of the page holding `address`.
    /// `pfnVisible` says whether the caller has CAP_SYS_ADMIN (the kernel
    /// zeroes PFNs otherwise).
    public func pagemapEntry(pid: Int32, address: UInt64, pageSize: UInt64, pfnVisible: Bool) throws(SourceError) -> PagemapEntry {
        let page = address / max(pageSize, 1)
        let raw = try readWord("proc/\(pid)/pagemap", at: page * 8)
        return PagemapEntry(raw: raw, pfnVisible: pfnVisible)
    }
}
