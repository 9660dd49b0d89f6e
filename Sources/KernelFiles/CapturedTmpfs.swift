/// `memsleuth/tmpfs` in a captured tree: the usage of each tmpfs mount as
/// statfs(2) gave it on the captured host (a tree on another machine cannot
/// be statfs'd). Written by `scripts/capture-fixture`; memsleuth's own
/// format, not a kernel file.
///
/// Format: one mount per line, `MOUNTPOINT USED_BYTES SIZE_BYTES`, the mount
/// point escaped as in mountinfo (`\040` for a space), `-` for a figure
/// statfs did not give (a tmpfs mounted with `size=0` has no limit and
/// reports no blocks); `#` starts a comment line:
///
///     # mountpoint used_bytes size_bytes
///     /dev/shm 1048576 33741045760
///     /run 2371584 6748209152
///     /mnt/big\040scratch - -
public struct CapturedTmpfs: Sendable, Equatable {
    public struct Mount: Sendable, Equatable {
        public var mountPoint: String
        public var usedBytes: UInt64?
        public var sizeBytes: UInt64?

        public init(mountPoint: String, usedBytes: UInt64?, sizeBytes: UInt64?) {
            self.mountPoint = mountPoint
            self.usedBytes = usedBytes
            self.sizeBytes = sizeBytes
        }
    }

    public var mounts: [Mount]

    public init(mounts: [Mount]) { self.mounts = mounts }

    /// Parses `memsleuth/tmpfs`; an empty file is a host without tmpfs.
    public static func parse(_ bytes: UnsafeRawBufferPointer, path: String) throws(ParseError) -> CapturedTmpfs {
        var mounts: [Mount] = []
        for line in ByteScanner(bytes) where !line.isBlank {
            let trimmed = ByteField.trimmed(line.bytes)
            if trimmed.first == UInt8(ascii: "#") { continue }
            var fields = line.fields
            guard let point = fields.next(), point.first == UInt8(ascii: "/"), let used = fields.next(),
                  let size = fields.next(), fields.next() == nil
            else { throw line.error(path, expected: "\"MOUNTPOINT USED_BYTES SIZE_BYTES\" (an absolute path and two sizes or -)") }
            guard let usedBytes = figure(used), let sizeBytes = figure(size) else {
                throw line.error(path, expected: "decimal byte counts or - for USED_BYTES and SIZE_BYTES")
            }
            mounts.append(Mount(mountPoint: Mountinfo.unescape(point), usedBytes: usedBytes, sizeBytes: sizeBytes))
        }
        return CapturedTmpfs(mounts: mounts)
    }

    /// The file's text (what `parse` reads back), mount points escaped as
    /// mountinfo escapes them.
    public var text: String {
        var out = "# mountpoint used_bytes size_bytes\n"
        for mount in mounts {
            out += Self.escaped(mount.mountPoint) + " " + (mount.usedBytes.map { String($0) } ?? "-") + " "
                + (mount.sizeBytes.map { String($0) } ?? "-") + "\n"
        }
        return out
    }

    /// Space, tab, newline and backslash as three-digit octal escapes.
    static func escaped(_ path: String) -> String {
        var out = ""
        for scalar in path.unicodeScalars {
            switch scalar {
            case " ": out += "\\040"
            case "\t": out += "\\011"
            case "\n": out += "\\012"
            case "\\": out += "\\134"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// `.some(nil)` for "-", nil for anything that is not a number.
    private static func figure(_ field: Slice<UnsafeRawBufferPointer>) -> UInt64?? {
        if ByteField.equals(field, "-") { return .some(nil) }
        guard let value = ByteField.uint64(field) else { return nil }
        return .some(value)
    }
}

extension ProcRoot {
    /// Reads `memsleuth/tmpfs` of a captured tree.
    public func capturedTmpfs(buffer: ReadBuffer) throws(SourceError) -> CapturedTmpfs {
        try parse("memsleuth/tmpfs", with: buffer, CapturedTmpfs.parse)
    }
}
