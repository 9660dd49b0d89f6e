/// MemTotal split into parts that add up (issue 4, "Accounting"): free,
/// page cache, shmem/tmpfs, process anonymous memory, slab, kernel stacks,
/// page tables, vmalloc, percpu, huge pages and the unaccounted remainder.
/// Each part says which file its figure came from.
public struct MemoryAccount: Sendable, Equatable {
    public struct Part: Sendable, Equatable {
        /// Stable key for JSON ("page_cache", "slab_reclaimable", "unaccounted" …).
        public var key: String
        public var label: String
        /// nil when this kernel does not provide the figure.
        public var bytes: UInt64?
        /// "/proc/meminfo Cached - Shmem" style provenance.
        public var source: String
        /// Finer parts inside this one (active/inactive file, dirty, top
        /// slab caches, tmpfs mounts …); they need not add up to the part.
        public var children: [Part]
        public var note: String?

        public init(key: String, label: String, bytes: UInt64?, source: String, children: [Part] = [], note: String? = nil) {
            self.key = key
            self.label = label
            self.bytes = bytes
            self.source = source
            self.children = children
            self.note = note
        }
    }

    /// MemTotal in bytes; nil when /proc/meminfo could not be read.
    public var total: UInt64?
    /// The top-level parts, in display order; they sum to `total`.
    public var parts: [Part]

    public init(total: UInt64?, parts: [Part]) {
        self.total = total
        self.parts = parts
    }
}
