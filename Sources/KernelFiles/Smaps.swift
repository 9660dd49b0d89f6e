/// `/proc/PID/smaps`: every mapping of `maps`, each followed by its memory
/// accounting.
///
/// Format (2.6.14+; fields added over time — `Pss` 2.6.25, `Swap` 2.6.26,
/// `AnonHugePages` 2.6.38, `VmFlags` 3.8, `SwapPss` 4.3, `THPeligible` 5.0,
/// `Pss_Dirty` 6.0, `KSM` 6.7; `ProtectionKey` on x86 with pkeys):
///
///     55d4c8e00000-55d4c8e02000 r--p 00000000 fd:01 1838158    /usr/bin/sleep
///     Size:                  8 kB
///     KernelPageSize:        4 kB
///     Rss:                   8 kB
///     Pss:                   0 kB
///     …
///     THPeligible:           0
///     ProtectionKey:         0
///     VmFlags: rd mr mw me dw sd
///
/// Sizes are converted to bytes; a key this parser does not know is kept in
/// `Mapping.otherFields` so a new kernel's field is not lost.
public struct Smaps: Sendable, Equatable {
    public let mappings: [Mapping]

    public init(mappings: [Mapping]) { self.mappings = mappings }

    /// One mapping: its maps line and its accounting. A field the kernel did
    /// not print is nil.
    public struct Mapping: Sendable, Equatable {
        public var entry: MapsEntry
        public var size: UInt64?
        public var kernelPageSize: UInt64?
        public var mmuPageSize: UInt64?
        public var rss: UInt64?
        public var pss: UInt64?
        public var pssDirty: UInt64?
        public var sharedClean: UInt64?
        public var sharedDirty: UInt64?
        public var privateClean: UInt64?
        public var privateDirty: UInt64?
        public var referenced: UInt64?
        public var anonymous: UInt64?
        public var ksm: UInt64?
        public var lazyFree: UInt64?
        public var anonHugePages: UInt64?
        public var shmemPmdMapped: UInt64?
        public var filePmdMapped: UInt64?
        public var sharedHugetlb: UInt64?
        public var privateHugetlb: UInt64?
        public var swap: UInt64?
        public var swapPss: UInt64?
        public var locked: UInt64?
        /// `THPeligible:` 0 or 1 (5.0+).
        public var thpEligible: UInt64?
        /// `ProtectionKey:` (x86 with memory protection keys).
        public var protectionKey: UInt64?
        /// `VmFlags:` two-letter codes (3.8+), nil when absent.
        public var vmFlags: [String]?
        /// `kB` lines this parser has no name for, in bytes, in file order.
        public var otherFields: [(name: String, bytes: UInt64)] = []

        public init(entry: MapsEntry) { self.entry = entry }

        public static func == (lhs: Mapping, rhs: Mapping) -> Bool {
            lhs.entry == rhs.entry && lhs.size == rhs.size && lhs.rss == rhs.rss && lhs.pss == rhs.pss
                && lhs.pssDirty == rhs.pssDirty && lhs.sharedClean == rhs.sharedClean
                && lhs.sharedDirty == rhs.sharedDirty && lhs.privateClean == rhs.privateClean
                && lhs.privateDirty == rhs.privateDirty && lhs.referenced == rhs.referenced
                && lhs.anonymous == rhs.anonymous && lhs.swap == rhs.swap && lhs.swapPss == rhs.swapPss
                && lhs.anonHugePages == rhs.anonHugePages && lhs.locked == rhs.locked
                && lhs.thpEligible == rhs.thpEligible && lhs.vmFlags == rhs.vmFlags
                && lhs.otherFields.map(\.name) == rhs.otherFields.map(\.name)
                && lhs.otherFields.map(\.bytes) == rhs.otherFields.map(\.bytes)
        }

        /// Dirty pages as `pmap -x` counts them: Shared_Dirty + Private_Dirty.
        public var dirty: UInt64? {
            guard let sharedDirty, let privateDirty else { return nil }
            return sharedDirty + privateDirty
        }

        /// Stores a `kB` field by its kernel name; false when the name is unknown.
        mutating func store(_ name: Slice<UnsafeRawBufferPointer>, _ bytes: UInt64) -> Bool {
            let keyPath: WritableKeyPath<Mapping, UInt64?>
            switch true {
            case ByteField.equals(name, "Size"): keyPath = \.size
            case ByteField.equals(name, "KernelPageSize"): keyPath = \.kernelPageSize
            case ByteField.equals(name, "MMUPageSize"): keyPath = \.mmuPageSize
            case ByteField.equals(name, "Rss"): keyPath = \.rss
            case ByteField.equals(name, "Pss"): keyPath = \.pss
            case ByteField.equals(name, "Pss_Dirty"): keyPath = \.pssDirty
            case ByteField.equals(name, "Shared_Clean"): keyPath = \.sharedClean
            case ByteField.equals(name, "Shared_Dirty"): keyPath = \.sharedDirty
            case ByteField.equals(name, "Private_Clean"): keyPath = \.privateClean
            case ByteField.equals(name, "Private_Dirty"): keyPath = \.privateDirty
            case ByteField.equals(name, "Referenced"): keyPath = \.referenced
            case ByteField.equals(name, "Anonymous"): keyPath = \.anonymous
            case ByteField.equals(name, "KSM"): keyPath = \.ksm
            case ByteField.equals(name, "LazyFree"): keyPath = \.lazyFree
            case ByteField.equals(name, "AnonHugePages"): keyPath = \.anonHugePages
            case ByteField.equals(name, "ShmemPmdMapped"): keyPath = \.shmemPmdMapped
            case ByteField.equals(name, "FilePmdMapped"): keyPath = \.filePmdMapped
            case ByteField.equals(name, "Shared_Hugetlb"): keyPath = \.sharedHugetlb
            case ByteField.equals(name, "Private_Hugetlb"): keyPath = \.privateHugetlb
            case ByteField.equals(name, "Swap"): keyPath = \.swap
            case ByteField.equals(name, "SwapPss"): keyPath = \.swapPss
            case ByteField.equals(name, "Locked"): keyPath = \.locked
            default: return false
            }
            self[keyPath: keyPath] = bytes
            return true
        }
    }

    /// Parses a whole smaps file; an empty file (a kernel thread) has no mappings.
    public static func parse(_ bytes: UnsafeRawBufferPointer, path: String) throws(ParseError) -> Smaps {
        var mappings: [Mapping] = []
        var current: Mapping?
        for line in ByteScanner(bytes) where !line.isBlank {
            var cursor = line.fields
            guard let first = cursor.next() else { continue }
            guard first.last == UInt8(ascii: ":") else {
                // A maps header line starts the next mapping.
                if let done = current { mappings.append(done) }
                current = Mapping(entry: try MapsEntry.parse(line, path: path))
                continue
            }
            guard var mapping = current else {
                throw line.error(path, expected: "a mapping's address line before its \"Key: value\" lines")
            }
            let name = first.dropLast()
            if ByteField.equals(name, "VmFlags") {
                var flags: [String] = []
                while let flag = cursor.next() { flags.append(ByteField.string(flag)) }
                mapping.vmFlags = flags
            } else {
                guard let valueField = cursor.next(), let value = ByteField.uint64(valueField) else {
                    throw line.error(path, expected: "a decimal value after \"\(ByteField.printable(name)):\"")
                }
                let unit = cursor.next()
                guard cursor.next() == nil else { throw line.error(path, expected: "\"Key: value kB\" and nothing after") }
                if let unit {
                    guard ByteField.equals(unit, "kB") else { throw line.error(path, expected: "the unit \"kB\"") }
                    guard let bytes = ByteField.kilobytesToBytes(value) else {
                        throw line.error(path, expected: "a size below 16 EiB")
                    }
                    if !mapping.store(name, bytes) { mapping.otherFields.append((ByteField.string(name), bytes)) }
                } else if ByteField.equals(name, "THPeligible") {
                    mapping.thpEligible = value
                } else if ByteField.equals(name, "ProtectionKey") {
                    mapping.protectionKey = value
                } else {
                    throw line.error(path, expected: "a size in kB")
                }
            }
            current = mapping
        }
        if let done = current { mappings.append(done) }
        return Smaps(mappings: mappings)
    }
}

extension ProcRoot {
    /// Reads `/proc/PID/smaps`, or with `rollup` `/proc/PID/smaps_rollup`
    /// (4.14+): the same format with one `[rollup]` pseudo mapping that
    /// spans the address space and holds the sums.
    public func smaps(pid: Int32, buffer: ReadBuffer, rollup: Bool = false) throws(SourceError) -> Smaps {
        try parse("proc/\(pid)/" + (rollup ? "smaps_rollup" : "smaps"), with: buffer, Smaps.parse)
    }
}
