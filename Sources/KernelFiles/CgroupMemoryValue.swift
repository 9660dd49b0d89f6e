/// The one-number cgroup memory files: a size in bytes or a count on a
/// single line.
///
/// cgroup v2: `memory.current`, `memory.swap.current`, `memory.peak` (5.19+).
/// cgroup v1: `memory.usage_in_bytes`, `memory.kmem.usage_in_bytes`,
/// `memory.memsw.usage_in_bytes`, `memory.failcnt` (a count).
///
///     1706983424
public enum CgroupMemoryValue {
    /// One decimal number and nothing else on the line.
    public static func parse(_ bytes: UnsafeRawBufferPointer, path: String) throws(ParseError) -> UInt64 {
        let line = try onlyLine(bytes, path: path)
        guard let value = ByteField.uint64(ByteField.trimmed(line.bytes)) else {
            throw line.error(path, expected: "one decimal number below 2^64")
        }
        return value
    }

    /// The single non-blank line of a one-value file.
    static func onlyLine(_ bytes: UnsafeRawBufferPointer, path: String) throws(ParseError) -> ByteLine {
        var lines = ByteScanner(bytes)
        var found: ByteLine?
        while let line = lines.next() {
            if line.isBlank { continue }
            guard found == nil else { throw line.error(path, expected: "a single line") }
            found = line
        }
        guard let found else { throw ParseError(path: path, line: nil, text: nil, expected: "one decimal number") }
        return found
    }
}

/// A memory cgroup limit: `bytes` is nil when the cgroup is **unlimited**
/// (v2 prints `max`; v1 prints a huge sentinel). Never 0 for "unlimited":
/// 0 is a real, very small limit.
public struct CgroupLimit: Sendable, Equatable, CustomStringConvertible {
    /// The limit in bytes; nil means unlimited.
    public let bytes: UInt64?

    public init(bytes: UInt64?) { self.bytes = bytes }

    public static let unlimited = CgroupLimit(bytes: nil)

    public var isUnlimited: Bool { bytes == nil }

    public var description: String { bytes.map(String.init) ?? "max" }

    /// v1 values at or above this are "no limit". The kernel's sentinel is
    /// `PAGE_COUNTER_MAX * PAGE_SIZE` = LONG_MAX rounded down to a page
    /// (9223372036854771712 with 4 KiB pages, 9223372036854710272 with
    /// 64 KiB pages on arm64/ppc64le) since 3.19, and `LLONG_MAX`
    /// (9223372036854775807) with the res_counter of 2.6.25–3.18 (RHEL 6
    /// and 7). Rounding down to 256 KiB, the largest base page Linux
    /// supports, covers all of them; no real limit is within 256 KiB of 8 EiB.
    public static let v1UnlimitedThreshold: UInt64 = UInt64(Int64.max) & ~UInt64(0x3FFFF)

    /// cgroup v2 `memory.max`, `memory.high`, `memory.swap.max`:
    ///
    ///     max
    ///     536870912
    public static func parseV2(_ bytes: UnsafeRawBufferPointer, path: String) throws(ParseError) -> CgroupLimit {
        let line = try CgroupMemoryValue.onlyLine(bytes, path: path)
        let field = ByteField.trimmed(line.bytes)
        if ByteField.equals(field, "max") { return .unlimited }
        guard let value = ByteField.uint64(field) else {
            throw line.error(path, expected: "\"max\" or a decimal number of bytes")
        }
        return CgroupLimit(bytes: value)
    }

    /// cgroup v1 `memory.limit_in_bytes`, `memory.memsw.limit_in_bytes`,
    /// `memory.kmem.limit_in_bytes`:
    ///
    ///     9223372036854771712        (unlimited)
    ///     536870912
    public static func parseV1(_ bytes: UnsafeRawBufferPointer, path: String) throws(ParseError) -> CgroupLimit {
        let value = try CgroupMemoryValue.parse(bytes, path: path)
        return value >= v1UnlimitedThreshold ? .unlimited : CgroupLimit(bytes: value)
    }
}

extension ProcRoot {
    /// Reads a one-number file of a cgroup directory ("memory.current",
    /// "memory.usage_in_bytes", "memory.failcnt" …).
    public func cgroupValue(_ directory: String, _ file: String, buffer: ReadBuffer) throws(SourceError) -> UInt64 {
        try parse(directory + "/" + file, with: buffer, CgroupMemoryValue.parse)
    }

    /// Reads a v2 limit file ("memory.max", "memory.high").
    public func cgroupLimitV2(_ directory: String, _ file: String, buffer: ReadBuffer) throws(SourceError) -> CgroupLimit {
        try parse(directory + "/" + file, with: buffer, CgroupLimit.parseV2)
    }

    /// Reads a v1 limit file ("memory.limit_in_bytes").
    public func cgroupLimitV1(_ directory: String, _ file: String, buffer: ReadBuffer) throws(SourceError) -> CgroupLimit {
        try parse(directory + "/" + file, with: buffer, CgroupLimit.parseV1)
    }
}
