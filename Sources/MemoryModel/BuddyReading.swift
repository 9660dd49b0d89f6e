import KernelFiles

/// The buddy allocator's state as the kernel printed it: `/proc/buddyinfo`
/// (the view itself), with `/proc/zoneinfo` (watermarks) and
/// `/proc/pagetypeinfo` (migrate types) where readable. `BuddyTable` is
/// derived from it when shown.
public struct BuddyReading: Sendable, Equatable {
    public var buddyinfo: Buddyinfo
    public var zoneinfo: Zoneinfo?
    public var pagetypeinfo: Pagetypeinfo?
    /// zoneinfo or pagetypeinfo when unreadable (pagetypeinfo is root-only since 5.6).
    public var unavailable: [Unavailable]

    public init(buddyinfo: Buddyinfo, zoneinfo: Zoneinfo?, pagetypeinfo: Pagetypeinfo?, unavailable: [Unavailable]) {
        self.buddyinfo = buddyinfo
        self.zoneinfo = zoneinfo
        self.pagetypeinfo = pagetypeinfo
        self.unavailable = unavailable
    }

    /// Reads the three files through `root`; buddyinfo is required (its
    /// failure is thrown), the others optional. The one place that gathers
    /// the buddy area.
    /// With `keptPagetypeinfo` (a long-running reader's earlier reading),
    /// /proc/pagetypeinfo is not read: the kernel walks every pageblock
    /// under the zone lock to print it (~10 ms of CPU on a 24 GiB host).
    public static func read(_ root: ProcRoot, buffer: ReadBuffer,
                            keptPagetypeinfo: Pagetypeinfo? = nil) throws(SourceError) -> BuddyReading {
        let buddyinfo = try root.buddyinfo(buffer: buffer)
        var attempt = SourceAttempt(root: root)
        let zoneinfo = attempt.read { () throws(SourceError) in try root.zoneinfo(buffer: buffer) }
        let pagetypeinfo = keptPagetypeinfo ?? attempt.read { () throws(SourceError) in try root.pagetypeinfo(buffer: buffer) }
        return BuddyReading(buddyinfo: buddyinfo, zoneinfo: zoneinfo, pagetypeinfo: pagetypeinfo,
                            unavailable: attempt.unavailable)
    }

    /// Free blocks per order as sizes and the fragmentation indexes.
    public func table(pageSize: HostPageSize?) -> BuddyTable {
        BuddyTable(buddyinfo, pageSize: pageSize?.bytes)
    }
}
