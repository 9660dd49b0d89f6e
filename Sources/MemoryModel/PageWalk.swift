import KernelFiles

/// The virtual-to-physical walk of one address of one process: the mapping
/// it falls in, its pagemap entry, and (as root) the frame's kpageflags.
public struct PageWalk: Sendable, Equatable {
    public var pid: Int32
    public var address: UInt64
    public var pageSize: UInt64
    /// The mapping holding the address; nil when the address is not mapped.
    public var mapping: MapsEntry?
    public var entry: PagemapEntry
    /// The frame's flags; nil without a PFN or when kpageflags is unreadable.
    public var pageFlags: KernelPageFlags?

    public init(pid: Int32, address: UInt64, pageSize: UInt64, mapping: MapsEntry?, entry: PagemapEntry,
                pageFlags: KernelPageFlags?) {
        self.pid = pid
        self.address = address
        self.pageSize = pageSize
        self.mapping = mapping
        self.entry = entry
        self.pageFlags = pageFlags
    }

    /// The start of the page holding the address.
    public var pageAddress: UInt64 { address - address % max(pageSize, 1) }

    /// The physical address: PFN × page size + offset in page; nil without a PFN.
    public var physicalAddress: UInt64? {
        guard let pfn = entry.pfn else { return nil }
        let (base, overflow) = pfn.multipliedReportingOverflow(by: pageSize)
        return overflow ? nil : base | (address % max(pageSize, 1))
    }

    /// Backed by a huge page (kpageflags HUGE or THP); nil when the flags are unknown.
    public var huge: Bool? { pageFlags?.isHuge }
}
