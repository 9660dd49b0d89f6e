import KernelFiles
import Synchronization

/// The `/sys/kernel/slab` facts of a slab sample (the alias listing and each
/// cache's `reclaim_account`), kept between samples by a long-running
/// reader (`serve`): they change only when a cache is created or destroyed,
/// while reading them costs one readlink or open per cache (~430 here) on
/// every sample. They are read again when `interval` seconds have passed or
/// when /proc/slabinfo names a cache the kept facts have not seen.
/// `/proc/slabinfo` itself, the figures, is still read on every sample.
public final class SlabAttributeCache: Sendable {
    struct Facts {
        var directory: SlabCacheDirectory?
        var reclaimable: [String: Bool]
        var unavailable: [Unavailable]
        /// The slabinfo cache names when they were read.
        var names: Set<String>
        /// CLOCK_MONOTONIC seconds when read.
        var time: Double
    }

    /// Seconds between two reads of the attributes.
    public let interval: Double
    private let kept = Mutex<Facts?>(nil)

    public init(interval: Double) {
        self.interval = interval
    }

    /// The kept facts when fresh (younger than `interval`) and covering
    /// every cache in `slabinfo`.
    func facts(for slabinfo: Slabinfo, now: Double) -> Facts? {
        kept.withLock { facts in
            guard let facts, now - facts.time < interval, now >= facts.time,
                  slabinfo.caches.allSatisfy({ facts.names.contains($0.name) }) else { return nil }
            return facts
        }
    }

    func keep(_ facts: Facts) {
        kept.withLock { $0 = facts }
    }

    /// Seconds since the attributes were last read (nil before the first read).
    public func age(now: Double) -> Double? {
        kept.withLock { facts in facts.map { max(0, now - $0.time) } }
    }
}
