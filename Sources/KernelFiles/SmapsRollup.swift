/// `/proc/PID/smaps_rollup` (since 4.14): the sums of every `smaps` field
/// over all of a process's mappings, computed by the kernel in one walk.
///
/// Format (6.18; `Pss_Anon/File/Shmem` since 5.7, `Pss_Dirty` since 6.0):
///
///     5579f1091000-7ffc15899000 ---p 00000000 00:00 0                          [rollup]
///     Rss:                1760 kB
///     Pss:                 238 kB
///     Pss_Anon:            112 kB
///     Shared_Clean:       1608 kB
///     Private_Dirty:       112 kB
///     Swap:                  0 kB
///     Locked:                0 kB
///
/// Before 4.14 the same sums come from adding up `/proc/PID/smaps`
/// (`summingSmaps`), as smem does: the kernel truncates each mapping's Pss to
/// whole kB there, so that sum can be lower than a rollup by up to 1 kB per
/// mapping.
public struct SmapsRollup: Sendable, Equatable {
    public var rss: UInt64?
    public var pss: UInt64?
    public var pssAnon: UInt64?
    public var pssFile: UInt64?
    public var pssShmem: UInt64?
    public var sharedClean: UInt64?
    public var sharedDirty: UInt64?
    public var privateClean: UInt64?
    public var privateDirty: UInt64?
    public var referenced: UInt64?
    public var anonymous: UInt64?
    public var lazyFree: UInt64?
    public var anonHugePages: UInt64?
    public var shmemPmdMapped: UInt64?
    public var sharedHugetlb: UInt64?
    public var privateHugetlb: UInt64?
    public var swap: UInt64?
    public var swapPss: UInt64?
    public var locked: UInt64?

    public init() {}

    /// Unique set size as smem defines it: Private_Clean + Private_Dirty.
    public var uss: UInt64? {
        guard let privateClean, let privateDirty else { return nil }
        let (sum, overflow) = privateClean.addingReportingOverflow(privateDirty)
        return overflow ? nil : sum
    }

    /// Parses `/proc/PID/smaps_rollup`. An empty file (a kernel thread or a
    /// process that exited while the file was open) has no data: all nil.
    public static func parse(_ bytes: UnsafeRawBufferPointer, path: String) throws(ParseError) -> SmapsRollup {
        try accumulate(bytes, path: path, allowsManyMappings: false)
    }

    /// Sums `/proc/PID/smaps` into the rollup's fields: the fallback for
    /// kernels before 4.14. Mapping lines and lines without a kB value
    /// (`VmFlags:`, `THPeligible:`, `ProtectionKey:`) are skipped.
    public static func summingSmaps(_ bytes: UnsafeRawBufferPointer, path: String) throws(ParseError) -> SmapsRollup {
        try accumulate(bytes, path: path, allowsManyMappings: true)
    }

    private static func accumulate(
        _ bytes: UnsafeRawBufferPointer, path: String, allowsManyMappings: Bool
    ) throws(ParseError) -> SmapsRollup {
        var rollup = SmapsRollup()
        var headers = 0
        for line in ByteScanner(bytes) where !line.isBlank {
            var fields = line.fields
            guard let first = fields.next() else { continue }
            guard first.last == UInt8(ascii: ":") else {
                // "00400000-7ffd0000 ---p 00000000 00:00 0   [rollup]" or a mapping of smaps.
                guard isAddressRange(first), fields.next() != nil else {
                    throw line.error(path, expected: "an address range \"start-end perms ...\" or \"Name: N kB\"")
                }
                headers += 1
                guard allowsManyMappings || headers == 1 else {
                    throw line.error(path, expected: "one [rollup] header line")
                }
                continue
            }
            // "VmFlags: rd wr mr mw me ac sd" (or just "ex", or nothing) in smaps.
            if allowsManyMappings && ByteField.equals(first, "VmFlags:") { continue }
            guard let valueField = fields.next() else { throw line.error(path, expected: "a value after the name") }
            guard let unit = fields.next() else {
                // "THPeligible:    0", "ProtectionKey:  0": a flag, not a size.
                guard allowsManyMappings, ByteField.uint64(valueField) != nil else {
                    throw line.error(path, expected: "\"Name: N kB\"")
                }
                continue
            }
            guard ByteField.equals(unit, "kB") else { throw line.error(path, expected: "\"Name: N kB\"") }
            guard fields.next() == nil, let kilobytes = ByteField.uint64(valueField),
                  let value = ByteField.kilobytesToBytes(kilobytes) else {
                throw line.error(path, expected: "\"Name: N kB\" with a size below 16 EiB")
            }
            guard rollup.add(first.dropLast(), value) else {
                throw line.error(path, expected: "sizes whose sum fits in 64 bits")
            }
        }
        return rollup
    }

    private static func isAddressRange(_ field: Slice<UnsafeRawBufferPointer>) -> Bool {
        guard let (start, end) = ByteField.split(field, at: UInt8(ascii: "-")), !start.isEmpty, !end.isEmpty else {
            return false
        }
        return start.allSatisfy(isHexDigit) && end.allSatisfy(isHexDigit)
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        (byte &- UInt8(ascii: "0")) < 10 || (byte | 0x20) &- UInt8(ascii: "a") < 6
    }

    /// Adds `value` to the field named `key`; false on overflow. Unknown names
    /// (KSM, FilePmdMapped, Pss_Dirty, …) are ignored.
    private mutating func add(_ key: Slice<UnsafeRawBufferPointer>, _ value: UInt64) -> Bool {
        let target: WritableKeyPath<SmapsRollup, UInt64?>
        switch key.first {
        case UInt8(ascii: "R"):
            if ByteField.equals(key, "Rss") { target = \.rss }
            else if ByteField.equals(key, "Referenced") { target = \.referenced }
            else { return true }
        case UInt8(ascii: "P"):
            if ByteField.equals(key, "Pss") { target = \.pss }
            else if ByteField.equals(key, "Private_Clean") { target = \.privateClean }
            else if ByteField.equals(key, "Private_Dirty") { target = \.privateDirty }
            else if ByteField.equals(key, "Pss_Anon") { target = \.pssAnon }
            else if ByteField.equals(key, "Pss_File") { target = \.pssFile }
            else if ByteField.equals(key, "Pss_Shmem") { target = \.pssShmem }
            else if ByteField.equals(key, "Private_Hugetlb") { target = \.privateHugetlb }
            else { return true }
        case UInt8(ascii: "S"):
            if ByteField.equals(key, "Shared_Clean") { target = \.sharedClean }
            else if ByteField.equals(key, "Shared_Dirty") { target = \.sharedDirty }
            else if ByteField.equals(key, "Swap") { target = \.swap }
            else if ByteField.equals(key, "SwapPss") { target = \.swapPss }
            else if ByteField.equals(key, "ShmemPmdMapped") { target = \.shmemPmdMapped }
            else if ByteField.equals(key, "Shared_Hugetlb") { target = \.sharedHugetlb }
            else { return true }
        case UInt8(ascii: "A"):
            if ByteField.equals(key, "Anonymous") { target = \.anonymous }
            else if ByteField.equals(key, "AnonHugePages") { target = \.anonHugePages }
            else { return true }
        case UInt8(ascii: "L"):
            if ByteField.equals(key, "LazyFree") { target = \.lazyFree }
            else if ByteField.equals(key, "Locked") { target = \.locked }
            else { return true }
        default:
            return true
        }
        let (sum, overflow) = (self[keyPath: target] ?? 0).addingReportingOverflow(value)
        guard !overflow else { return false }
        self[keyPath: target] = sum
        return true
    }
}

extension ProcRoot {
    /// Reads `/proc/PID/smaps_rollup` (Linux 4.14+).
    public func smapsRollup(_ pid: Int32, buffer: ReadBuffer) throws(SourceError) -> SmapsRollup {
        try parse("proc/\(pid)/smaps_rollup", with: buffer, SmapsRollup.parse)
    }

    /// The same sums from `/proc/PID/smaps`, for kernels before 4.14.
    public func smapsSums(_ pid: Int32, buffer: ReadBuffer) throws(SourceError) -> SmapsRollup {
        try parse("proc/\(pid)/smaps", with: buffer, SmapsRollup.summingSmaps)
    }
}
