import KernelFiles
import MemoryModel

/// `vm.drop_caches`: what each level throws away, what it is expected to
/// free on this host now, and what it did free (measured before and after).
///
/// Levels (Documentation/admin-guide/sysctl/vm.rst): 1 the page cache,
/// 2 reclaimable slab (dentries and inodes), 3 both. Dirty pages are not
/// dropped, hence `sync` first; nothing in use is dropped, so the figures are
/// upper bounds.
public enum DropCaches {
    public static let file = "proc/sys/vm/drop_caches"

    /// Level 1 and 3 drop the page cache; refusing them while more than this
    /// is still unwritten after `sync` (writeback stuck, or a writer racing
    /// the sync) avoids an IO storm on top of a cold page cache.
    public static let dirtyLimitBytes: UInt64 = 256 << 20

    /// Repeated drop-caches within this many seconds of the last (from the
    /// action log) are refused without --force: each one costs a CPU burst
    /// and, at levels 1 and 3, re-reading the working set from disk.
    public static let minimumIntervalSeconds: Int64 = 600

    public static func isValid(level: Int) -> Bool { (1...3).contains(level) }

    public static func dropsPageCache(_ level: Int) -> Bool { level == 1 || level == 3 }
    public static func dropsSlab(_ level: Int) -> Bool { level == 2 || level == 3 }

    /// What the level costs, in words, for the list and the dry run.
    public static func cost(level: Int) -> String {
        switch level {
        case 1: return "the page cache is emptied: files are read from disk again afterwards (IO, slower reads for a while)"
        case 2: return "a CPU burst while the dentry and inode caches are walked; path lookups miss the cache for a while; no page-cache IO"
        default: return "both: a CPU burst, and the page cache is emptied so files are read from disk again (dentries and inodes need only level 2)"
        }
    }

    /// The expected effect per part, from a reading taken now.
    public static func expected(level: Int, _ figures: CacheFigures) -> [Part] {
        var parts: [Part] = []
        if dropsPageCache(level) { parts.append(Part(name: "page cache", bytes: figures.droppablePageCache)) }
        if dropsSlab(level) {
            parts.append(Part(name: "dentries", bytes: figures.droppableDentryBytes))
            parts.append(Part(name: "inodes", bytes: figures.droppableInodeBytes))
        }
        return parts
    }

    /// A part of memory and a number of bytes (expected or freed); nil when
    /// unknown.
    public struct Part: Sendable, Equatable {
        public var name: String
        public var bytes: Int64?
        public init(name: String, bytes: UInt64?) {
            self.name = name
            self.bytes = bytes.map { Int64(clamping: $0) }
        }
        public init(name: String, signed: Int64?) {
            self.name = name
            self.bytes = signed
        }
    }

    /// What the drop freed, by part: before − after of each figure (a
    /// negative figure grew meanwhile). "MemFree" is the total the host got
    /// back; the parts explain it.
    public static func freed(before: CacheFigures, after: CacheFigures) -> [Part] {
        func delta(_ a: UInt64?, _ b: UInt64?) -> Int64? {
            guard let a, let b else { return nil }
            return Int64(clamping: a) - Int64(clamping: b)
        }
        let pageCacheBefore = before.cached.map { $0 &- min($0, before.shmem ?? 0) }
        let pageCacheAfter = after.cached.map { $0 &- min($0, after.shmem ?? 0) }
        var parts = [
            Part(name: "page cache", signed: delta(pageCacheBefore, pageCacheAfter)),
            Part(name: "dentries", signed: delta(before.dentryBytes, after.dentryBytes)),
            Part(name: "inodes", signed: delta(before.inodeBytes, after.inodeBytes)),
        ]
        // Reclaimable slab beyond dentries and inodes (buffer heads, radix
        // tree nodes, xattr caches) that went with them.
        if let total = delta(before.sReclaimable, after.sReclaimable) {
            let named = (parts[1].bytes ?? 0) + (parts[2].bytes ?? 0)
            parts.append(Part(name: "other reclaimable slab", signed: total - named))
        }
        parts.append(Part(name: "MemFree (total)", signed: delta(after.memFree, before.memFree)))
        return parts
    }

    /// Why applying must not go ahead now, or nil. `unwritten` is Dirty +
    /// Writeback after `sync`; `lastDrop` the time of the last logged
    /// drop-caches (seconds since the epoch).
    public static func refusal(level: Int, unwritten: UInt64?, lastDrop: Int64?, now: Int64, force: Bool) -> String? {
        if force { return nil }
        if dropsPageCache(level), let unwritten, unwritten > dirtyLimitBytes {
            return "\(mebibytes(unwritten)) MiB is still dirty or under writeback after sync: dropping the page cache now "
                + "would add disk reads to the writes (wait for writeback, use --level 2 for dentries and inodes, or --force)"
        }
        if let lastDrop, now - lastDrop < minimumIntervalSeconds, now >= lastDrop {
            return "caches were dropped \(now - lastDrop) s ago (memsleuth fix --log): drop-caches is limited to once every "
                + "\(minimumIntervalSeconds / 60) minutes, since the cause refills them (use --force to drop again)"
        }
        return nil
    }

    static func mebibytes(_ bytes: UInt64) -> UInt64 { bytes >> 20 }
}
