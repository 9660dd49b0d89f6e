/// A cgroup's `cgroup.procs` (v2, and v1 since 2.6.35; v1's `tasks` has
/// the same shape with thread ids): the process ids in the cgroup, one per
/// line, in no particular order. An empty file is a cgroup without
/// processes — normal for inner nodes of v2.
///
///     1
///     412
public enum CgroupProcs {
    public static func parse(_ bytes: UnsafeRawBufferPointer, path: String) throws(ParseError) -> [Int32] {
        var pids: [Int32] = []
        for line in ByteScanner(bytes) where !line.isBlank {
            guard let value = ByteField.uint64(ByteField.trimmed(line.bytes)), value > 0, value <= UInt64(Int32.max) else {
                throw line.error(path, expected: "one process id per line")
            }
            pids.append(Int32(value))
        }
        return pids
    }
}

extension ProcRoot {
    /// Reads a cgroup directory's `cgroup.procs`.
    public func cgroupProcs(_ directory: String, buffer: ReadBuffer) throws(SourceError) -> [Int32] {
        try parse(directory + "/cgroup.procs", with: buffer, CgroupProcs.parse)
    }
}
