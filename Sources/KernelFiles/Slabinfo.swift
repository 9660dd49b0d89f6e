/// `/proc/slabinfo`: one row per slab cache, as the SLAB and SLUB allocators
/// print it (root-only since Linux 2.6.30-ish; 0400 on every kernel we know).
///
/// Version 2.1 (Linux 2.6 with the NUMA-aware SLAB, through today; SLUB and
/// SLOB print the same header with tunables and sharedavail always 0):
///
///     slabinfo - version: 2.1
///     # name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : slabdata <active_slabs> <num_slabs> <sharedavail>
///     dentry            193998211 194000000    192   20    1 : tunables  120   60    8 : slabdata 9700000 9700000      0
///
/// Version 2.0 (Linux 2.6.0 to the early 2.6 releases, SLAB only):
///
///     slabinfo - version: 2.0
///     # name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab> : tunables <batchcount> <limit> <sharedfactor> : slabdata <active_slabs> <num_slabs> <sharedavail>
///     dentry_cache        4452   4452    144   27    1 : tunables  120   60    0 : slabdata    164    164      0
///
/// The 2.0 header names the tunables `<batchcount> <limit>`, but mm/slab.c of
/// every 2.6 release printed `cachep->limit, cachep->batchcount, cachep->shared`
/// in that order (rows read `120 60 8`: batchcount is about half the limit).
/// 2.1 corrected the header and, with `(statistics)` (CONFIG_DEBUG_SLAB), added
/// `<nodeallocs>` to the `: globalstat` section — 8 values instead of 7. The
/// columns this parser keeps are the same in both versions.
public struct Slabinfo: Sendable, Equatable {
    /// The format version from the first line.
    public enum Version: String, Sendable, Equatable {
        case v2_0 = "2.0"
        case v2_1 = "2.1"
    }

    /// The SLAB allocator's per-CPU array tuning (`echo "name limit batch shared" > /proc/slabinfo`);
    /// all 0 under SLUB and SLOB.
    public struct Tunables: Sendable, Equatable {
        public let limit: UInt64
        public let batchcount: UInt64
        public let sharedfactor: UInt64

        public init(limit: UInt64, batchcount: UInt64, sharedfactor: UInt64) {
            self.limit = limit
            self.batchcount = batchcount
            self.sharedfactor = sharedfactor
        }
    }

    /// One cache's row.
    public struct Cache: Sendable, Equatable {
        public let name: String
        public let activeObjs: UInt64
        public let numObjs: UInt64
        /// Bytes per object including the allocator's padding (`s->size`, SLAB's `buffer_size`).
        public let objSize: UInt64
        public let objPerSlab: UInt64
        public let pagesPerSlab: UInt64
        public let tunables: Tunables
        /// SLUB prints `num_slabs` here: it does not count partly used slabs apart.
        public let activeSlabs: UInt64
        public let numSlabs: UInt64
        public let sharedAvail: UInt64

        public init(
            name: String, activeObjs: UInt64, numObjs: UInt64, objSize: UInt64, objPerSlab: UInt64,
            pagesPerSlab: UInt64, tunables: Tunables = Tunables(limit: 0, batchcount: 0, sharedfactor: 0),
            activeSlabs: UInt64, numSlabs: UInt64, sharedAvail: UInt64 = 0
        ) {
            self.name = name
            self.activeObjs = activeObjs
            self.numObjs = numObjs
            self.objSize = objSize
            self.objPerSlab = objPerSlab
            self.pagesPerSlab = pagesPerSlab
            self.tunables = tunables
            self.activeSlabs = activeSlabs
            self.numSlabs = numSlabs
            self.sharedAvail = sharedAvail
        }
    }

    public let version: Version
    /// The header said `(statistics)`: rows carry `: globalstat` and `: cpustat` too.
    public let statistics: Bool
    /// Every cache in the kernel's order.
    public let caches: [Cache]

    public init(version: Version, statistics: Bool = false, caches: [Cache]) {
        self.version = version
        self.statistics = statistics
        self.caches = caches
    }

    /// Parses `/proc/slabinfo` of version 2.0 or 2.1.
    public static func parse(_ bytes: UnsafeRawBufferPointer, path: String) throws(ParseError) -> Slabinfo {
        var lines = ByteScanner(bytes)
        guard let first = lines.next() else {
            throw ParseError(path: path, line: nil, text: nil, expected: "a \"slabinfo - version: 2.x\" first line")
        }
        let (version, statistics) = try parseVersionLine(first, path: path)
        var caches: [Cache] = []
        caches.reserveCapacity(256)
        for line in lines where !line.isBlank {
            if line.bytes.first == UInt8(ascii: "#") { continue }  // the column header
            switch version {
            case .v2_0: caches.append(try parseV20Row(line, statistics: statistics, path: path))
            case .v2_1: caches.append(try parseV21Row(line, statistics: statistics, path: path))
            }
        }
        return Slabinfo(version: version, statistics: statistics, caches: caches)
    }

    /// `slabinfo - version: 2.1` or `slabinfo - version: 2.0 (statistics)`.
    static func parseVersionLine(_ line: ByteLine, path: String) throws(ParseError) -> (Version, Bool) {
        let expected = "\"slabinfo - version: 2.0\" or \"2.1\" (Linux 2.6+; 1.x is Linux 2.4)"
        var fields = line.fields
        guard let a = fields.next(), ByteField.equals(a, "slabinfo"),
              let b = fields.next(), ByteField.equals(b, "-"),
              let c = fields.next(), ByteField.equals(c, "version:"),
              let number = fields.next()
        else { throw line.error(path, expected: expected) }
        let version: Version
        if ByteField.equals(number, "2.1") {
            version = .v2_1
        } else if ByteField.equals(number, "2.0") {
            version = .v2_0
        } else {
            throw line.error(path, expected: expected)
        }
        guard let suffix = fields.next() else { return (version, false) }
        guard ByteField.equals(suffix, "(statistics)"), fields.next() == nil else {
            throw line.error(path, expected: expected + " with nothing after but \"(statistics)\"")
        }
        return (version, true)
    }

    /// A version 2.0 row; `: globalstat` has 7 values under `(statistics)`.
    static func parseV20Row(_ line: ByteLine, statistics: Bool, path: String) throws(ParseError) -> Cache {
        try parseRow(line, globalstatCount: statistics ? 7 : nil, path: path)
    }

    /// A version 2.1 row; `: globalstat` has 8 values (`<nodeallocs>` added) under `(statistics)`.
    static func parseV21Row(_ line: ByteLine, statistics: Bool, path: String) throws(ParseError) -> Cache {
        try parseRow(line, globalstatCount: statistics ? 8 : nil, path: path)
    }

    private static func parseRow(_ line: ByteLine, globalstatCount: Int?, path: String) throws(ParseError) -> Cache {
        let shape = "\"name active_objs num_objs objsize objperslab pagesperslab : tunables L B S : slabdata A N S\""
        var fields = line.fields
        guard let nameField = fields.next() else { throw line.error(path, expected: shape) }
        var numbers: [UInt64] = []
        numbers.reserveCapacity(11)
        func take(_ count: Int, _ what: String) throws(ParseError) {
            for _ in 0..<count {
                guard let field = fields.next() else { throw line.error(path, expected: "\(what) in \(shape)") }
                guard let value = ByteField.uint64(field) else {
                    throw line.error(path, expected: "a decimal count for \(what), found \"\(ByteField.printable(field))\"")
                }
                numbers.append(value)
            }
        }
        func section(_ literal: StaticString) throws(ParseError) {
            guard let colon = fields.next(), ByteField.equals(colon, ":"),
                  let word = fields.next(), ByteField.equals(word, literal)
            else { throw line.error(path, expected: "\": \(literal)\" in \(shape)") }
        }
        try take(5, "the five object columns")
        try section("tunables")
        try take(3, "the three tunables")
        try section("slabdata")
        try take(3, "the three slabdata columns")
        if let globalstatCount {
            try section("globalstat")
            for _ in 0..<globalstatCount {
                guard let field = fields.next(), ByteField.uint64(field) != nil else {
                    throw line.error(path, expected: "\(globalstatCount) globalstat counts")
                }
            }
            try section("cpustat")
            for _ in 0..<4 {
                guard let field = fields.next(), ByteField.uint64(field) != nil else {
                    throw line.error(path, expected: "4 cpustat counts")
                }
            }
        }
        guard fields.next() == nil else { throw line.error(path, expected: shape + " and nothing after") }
        return Cache(
            name: ByteField.string(nameField),
            activeObjs: numbers[0], numObjs: numbers[1], objSize: numbers[2],
            objPerSlab: numbers[3], pagesPerSlab: numbers[4],
            tunables: Tunables(limit: numbers[5], batchcount: numbers[6], sharedfactor: numbers[7]),
            activeSlabs: numbers[8], numSlabs: numbers[9], sharedAvail: numbers[10])
    }
}

extension ProcRoot {
    /// Reads `/proc/slabinfo` (root only: EACCES otherwise).
    public func slabinfo(buffer: ReadBuffer) throws(SourceError) -> Slabinfo {
        try parse("proc/slabinfo", with: buffer, Slabinfo.parse)
    }
}
