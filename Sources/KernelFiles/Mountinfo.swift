/// `/proc/PID/mountinfo` (Linux 2.6.26+): one line per mount, as the
/// process sees them. memsleuth reads `proc/self/mountinfo` to find where
/// the cgroup hierarchies are mounted.
///
///     36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue
///     (1)(2)(3)   (4)   (5)      (6)      (7)   (8) (9)    (10)         (11)
///
/// (1) mount id, (2) parent id, (3) major:minor, (4) root of the mount within
/// its filesystem, (5) mount point, (6) mount options, (7) zero or more
/// optional fields, (8) `-`, (9) filesystem type, (10) source, (11) super
/// options. Spaces, tabs, newlines and backslashes in paths are written as
/// octal escapes (`\040`), which this parser decodes.
public struct Mountinfo: Sendable, Equatable {
    public struct Mount: Sendable, Equatable {
        public let mountID: UInt64
        public let parentID: UInt64
        /// The directory of the filesystem that is mounted ("/" mostly; a
        /// cgroup path for a container's bind-mounted cgroup).
        public let root: String
        /// Where it is mounted, absolute ("/sys/fs/cgroup/memory").
        public let mountPoint: String
        public let fsType: String
        public let source: String
        /// The per-superblock options, split at commas: for a v1 cgroup
        /// mount they name its controllers ("rw", "memory").
        public let superOptions: [String]

        public init(mountID: UInt64, parentID: UInt64, root: String, mountPoint: String, fsType: String,
                    source: String, superOptions: [String]) {
            self.mountID = mountID
            self.parentID = parentID
            self.root = root
            self.mountPoint = mountPoint
            self.fsType = fsType
            self.source = source
            self.superOptions = superOptions
        }
    }

    /// Every mount in the kernel's order (parents before children).
    public let mounts: [Mount]

    public init(mounts: [Mount]) { self.mounts = mounts }

    /// The cgroup v2 ("unified") hierarchy; the last one mounted when there
    /// are several (the one that shadows the others).
    public var cgroup2: Mount? { mounts.last { $0.fsType == "cgroup2" } }

    /// The cgroup v1 hierarchy with the memory controller.
    public var cgroupV1Memory: Mount? {
        mounts.last { $0.fsType == "cgroup" && $0.superOptions.contains("memory") }
    }

    public static func parse(_ bytes: UnsafeRawBufferPointer, path: String) throws(ParseError) -> Mountinfo {
        var mounts: [Mount] = []
        for line in ByteScanner(bytes) where !line.isBlank {
            mounts.append(try parseLine(line, path: path))
        }
        guard !mounts.isEmpty else {
            throw ParseError(path: path, line: nil, text: nil, expected: "at least one mount line")
        }
        return Mountinfo(mounts: mounts)
    }

    static func parseLine(_ line: ByteLine, path: String) throws(ParseError) -> Mount {
        let shape = "\"ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPEROPTIONS\""
        var fields = line.fields
        guard let idField = fields.next(), let mountID = ByteField.uint64(idField),
              let parentField = fields.next(), let parentID = ByteField.uint64(parentField)
        else { throw line.error(path, expected: "two decimal mount ids in " + shape) }
        guard let device = fields.next(), let (major, minor) = ByteField.split(device, at: UInt8(ascii: ":")),
              ByteField.uint64(major) != nil, ByteField.uint64(minor) != nil
        else { throw line.error(path, expected: "MAJ:MIN in " + shape) }
        guard let root = fields.next(), let mountPoint = fields.next(), fields.next() != nil else {
            throw line.error(path, expected: shape)
        }
        // Optional fields ("shared:1", "master:2") until the lone "-".
        var separator = false
        while let field = fields.next() {
            if ByteField.equals(field, "-") { separator = true; break }
        }
        guard separator, let fsType = fields.next(), let source = fields.next(), let options = fields.next(),
              fields.next() == nil
        else { throw line.error(path, expected: "\"- FSTYPE SOURCE SUPEROPTIONS\" at the end of " + shape) }
        return Mount(
            mountID: mountID, parentID: parentID, root: unescape(root), mountPoint: unescape(mountPoint),
            fsType: ByteField.string(fsType), source: unescape(source),
            superOptions: ByteField.string(options).split(separator: ",").map(String.init))
    }

    /// Decodes the kernel's `\ooo` octal escapes (fs/proc_namespace.c
    /// `mangle`: space, tab, newline and backslash); anything else is kept.
    static func unescape(_ field: Slice<UnsafeRawBufferPointer>) -> String {
        guard field.contains(UInt8(ascii: "\\")) else { return ByteField.string(field) }
        var out: [UInt8] = []
        out.reserveCapacity(field.count)
        var index = field.startIndex
        while index < field.endIndex {
            let byte = field[index]
            if byte == UInt8(ascii: "\\"), index + 4 <= field.endIndex,
               let value = octal(field[(index + 1)..<(index + 4)]) {
                out.append(value)
                index += 4
            } else {
                out.append(byte)
                index += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func octal(_ digits: Slice<UnsafeRawBufferPointer>) -> UInt8? {
        guard digits.count == 3 else { return nil }
        var value: UInt16 = 0
        for digit in digits {
            let d = digit &- UInt8(ascii: "0")
            guard d < 8 else { return nil }
            value = value * 8 + UInt16(d)
        }
        return value <= 0xFF ? UInt8(value) : nil
    }
}

extension ProcRoot {
    /// Reads `/proc/self/mountinfo`. On a captured tree this is the
    /// capturing process's view, and its mount points are paths under the root.
    public func mountinfo(buffer: ReadBuffer) throws(SourceError) -> Mountinfo {
        try parse("proc/self/mountinfo", with: buffer, Mountinfo.parse)
    }
}
