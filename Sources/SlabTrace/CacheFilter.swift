import KernelFiles

/// How the kernel is told which slab cache to report: by the events'
/// `name` field where the format has one (kmem_cache_alloc: 6.1+;
/// kmem_cache_free: earlier), else by the address range of the functions
/// that allocate and free that cache's objects (from /proc/kallsyms), else
/// not at all (the error says so).
public struct CacheFilter: Equatable, Sendable {
    /// The cache; the parser also drops any line whose `name=` is another cache.
    public var cache: String
    /// Kernel filter expressions for kmem_cache_alloc and kmem_cache_free.
    public var allocFilter: String
    public var freeFilter: String
    /// True when a filter is by call site (the kernel prints no name).
    public var byCallSite: Bool

    /// The allocating and freeing functions of caches a kernel without the
    /// `name` field can still be traced for (fs/dcache.c: `__d_alloc`
    /// allocates a dentry; `__d_free`/`__d_free_external` free it).
    static let knownCallSites: [String: (alloc: [String], free: [String])] = [
        "dentry": (["__d_alloc"], ["__d_free", "__d_free_external"]),
    ]

    /// The filter for `cache`, given the events' format files and a kallsyms reader.
    public static func choose(cache: String, allocFormat: String, freeFormat: String,
                              kallsyms: () -> [UInt8]?) throws(TraceFailure) -> CacheFilter {
        let byName = "name == \"\(cache)\""
        let allocHasName = allocFormat.contains(" name;"), freeHasName = freeFormat.contains(" name;")
        if allocHasName && freeHasName {
            return CacheFilter(cache: cache, allocFilter: byName, freeFilter: byName, byCallSite: false)
        }
        guard let functions = knownCallSites[cache] else {
            throw TraceFailure("this kernel's kmem events carry no cache name (kmem_cache_alloc has one since Linux 6.1), and without it memsleuth can only attribute 'dentry' (by its allocating functions): it cannot attribute '\(cache)' here")
        }
        guard let symbols = kallsyms() else {
            throw TraceFailure("cannot read /proc/kallsyms to find \(functions.alloc.joined(separator: ", ")) (this kernel's kmem events carry no cache name; run as root)")
        }
        let ranges = symbols.withUnsafeBytes { KernelSymbols.ranges(of: functions.alloc + functions.free, in: $0) }
        let alloc = functions.alloc.compactMap { ranges[$0] }
        let free = functions.free.compactMap { ranges[$0] }
        guard !alloc.isEmpty, !free.isEmpty else {
            throw TraceFailure("/proc/kallsyms does not show \((functions.alloc + functions.free).joined(separator: ", ")) (addresses hidden by kptr_restrict, or inlined): this kernel cannot attribute '\(cache)' without a cache name in its kmem events")
        }
        return CacheFilter(cache: cache, allocFilter: allocHasName ? byName : expression(alloc),
                           freeFilter: freeHasName ? byName : expression(free), byCallSite: true)
    }

    /// `call_site >= 0x… && call_site < 0x…`, or'ed per range.
    static func expression(_ ranges: [Range<UInt64>]) -> String {
        ranges.map { "(call_site >= 0x\(String($0.lowerBound, radix: 16)) && call_site < 0x\(String($0.upperBound, radix: 16)))" }
            .joined(separator: " || ")
    }
}

/// Address ranges of kernel functions, from /proc/kallsyms
/// ("ffffffff8122f070 t __d_alloc"): from a function's address to the next
/// higher text symbol's.
public enum KernelSymbols {
    public static func ranges(of names: [String], in bytes: UnsafeRawBufferPointer) -> [String: Range<UInt64>] {
        let wanted = Set(names)
        var starts: [String: UInt64] = [:]
        var addresses: [UInt64] = []
        addresses.reserveCapacity(200_000)
        for line in ByteScanner(bytes) {
            var fields = line.fields
            guard let addressField = fields.next(), let type = fields.next(), let name = fields.next(),
                  type.count == 1, let kind = type.first, kind | 0x20 == UInt8(ascii: "t") else { continue }
            var address: UInt64 = 0
            var valid = true
            for byte in addressField {
                switch byte {
                case 0x30...0x39: address = address << 4 | UInt64(byte - 0x30)
                case 0x61...0x66: address = address << 4 | UInt64(byte - 0x61 + 10)
                default: valid = false
                }
            }
            guard valid, address != 0 else { continue }
            addresses.append(address)
            // A module symbol is followed by "[module]"; those are not ours.
            if fields.next() == nil, wanted.contains(ByteField.string(name)), starts[ByteField.string(name)] == nil {
                starts[ByteField.string(name)] = address
            }
        }
        var ranges: [String: Range<UInt64>] = [:]
        for (name, start) in starts {
            let end = addresses.lazy.filter { $0 > start }.min() ?? start + 1
            ranges[name] = start..<end
        }
        return ranges
    }
}
