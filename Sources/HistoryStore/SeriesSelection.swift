/// Which stored series a rebuilt snapshot gets.
///
/// The doctor rebuilds up to 150 earlier samples only to judge growth
/// (meminfo, vmstat rates, dentry counts, each slab cache's bytes and
/// objects, processes, cgroups). Two thirds of a host's series are slab
/// caches' fact columns it never reads — tunables, objects per slab, the
/// /sys/kernel/slab directory and its links — and each costs one index seek
/// per sample, so leaving them out is most of the doctor's time over a month.
public enum SeriesSelection: Sendable {
    /// Everything stored: what `history --at` and `diff` show.
    case all
    /// What growth and forecasts read. A slab cache then has its objects,
    /// object size, slabs and pages per slab (its size), but no tunables,
    /// objects per slab, active slabs, reclaim flag or directory.
    case trends

    func includes(_ kind: SeriesKind) -> Bool {
        switch self {
        case .all: return true
        case .trends: return !Self.notForTrends.contains(kind)
        }
    }

    private static let notForTrends: Set<SeriesKind> = [
        .slabObjPerSlab, .slabActiveSlabs, .slabLimit, .slabBatchcount, .slabSharedfactor, .slabSharedAvail,
        .slabReclaimable, .slabDirectory, .slabLink,
    ]
}
