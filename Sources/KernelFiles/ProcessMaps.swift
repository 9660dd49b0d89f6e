/// `/proc/PID/maps`: one line per virtual memory area of a process.
///
/// Format (every kernel since 2.6; addresses are as wide as the kernel's
/// `unsigned long`, so a 32-bit kernel prints 8 hex digits):
///
///     55d4c8e00000-55d4c8e02000 r--p 00000000 fd:01 1838158     /usr/bin/sleep
///     55d4ca0f1000-55d4ca112000 rw-p 00000000 00:00 0           [heap]
///     7f3a1c000000-7f3a1c021000 rw-p 00000000 00:00 0           [anon:malloc arena]   (5.17+, prctl PR_SET_VMA)
///     7f3a1d000000-7f3a1d100000 rw-s 00000000 00:01 4242        /dev/shm/x (deleted)
///     08048000-08049000 r-xp 00000000 03:00 8312        /opt/app   (32-bit)
///
/// The path is the rest of the line and may contain spaces.
public struct ProcessMaps: Sendable, Equatable {
    public let mappings: [MapsEntry]

    public init(mappings: [MapsEntry]) { self.mappings = mappings }

    /// Parses a whole maps file; an empty file (a kernel thread) has no mappings.
    public static func parse(_ bytes: UnsafeRawBufferPointer, path: String) throws(ParseError) -> ProcessMaps {
        var mappings: [MapsEntry] = []
        for line in ByteScanner(bytes) where !line.isBlank {
            mappings.append(try MapsEntry.parse(line, path: path))
        }
        return ProcessMaps(mappings: mappings)
    }

    /// The mapping that holds `address`, if any.
    public func mapping(containing address: UInt64) -> MapsEntry? {
        mappings.first { $0.start <= address && address < $0.end }
    }
}

/// One virtual memory area: a line of `maps`, or the header line of a
/// mapping in `smaps`.
public struct MapsEntry: Sendable, Equatable {
    public var start: UInt64
    /// One past the last byte.
    public var end: UInt64
    public var permissions: Permissions
    /// Offset into the file (or the page offset for some pseudo files).
    public var offset: UInt64
    public var deviceMajor: UInt32
    public var deviceMinor: UInt32
    public var inode: UInt64
    /// The path as the kernel printed it, " (deleted)" included; "" for an
    /// anonymous mapping.
    public var path: String

    public init(start: UInt64, end: UInt64, permissions: Permissions, offset: UInt64,
                deviceMajor: UInt32, deviceMinor: UInt32, inode: UInt64, path: String) {
        self.start = start
        self.end = end
        self.permissions = permissions
        self.offset = offset
        self.deviceMajor = deviceMajor
        self.deviceMinor = deviceMinor
        self.inode = inode
        self.path = path
    }

    public var size: UInt64 { end - start }

    /// `r`, `w`, `x` and private (`p`) or shared (`s`).
    public struct Permissions: Sendable, Equatable, CustomStringConvertible {
        public var read: Bool
        public var write: Bool
        public var execute: Bool
        public var shared: Bool

        public init(read: Bool, write: Bool, execute: Bool, shared: Bool) {
            self.read = read
            self.write = write
            self.execute = execute
            self.shared = shared
        }

        /// As the kernel prints them: `r-xp`.
        public var description: String {
            (read ? "r" : "-") + (write ? "w" : "-") + (execute ? "x" : "-") + (shared ? "s" : "p")
        }
    }

    /// What the kernel's path column says this mapping is.
    public enum Kind: Sendable, Equatable {
        case anonymous
        case file
        case heap
        case stack
        case vdso
        case vvar
        case vsyscall
        /// `[anon:NAME]` (5.17+, `prctl(PR_SET_VMA_ANON_NAME)`) or `[anon_shmem:NAME]` (6.2+).
        case namedAnonymous(String)
        /// Any other bracketed name (`[stack:1234]` on 3.x, `[uprobes]`, `[vvar_vclock]` …).
        case otherPseudo(String)
    }

    public var kind: Kind {
        if path.isEmpty { return .anonymous }
        guard path.hasPrefix("["), path.hasSuffix("]") else { return .file }
        switch path {
        case "[heap]": return .heap
        case "[stack]": return .stack
        case "[vdso]": return .vdso
        case "[vvar]", "[vvar_vclock]": return .vvar
        case "[vsyscall]": return .vsyscall
        default:
            for prefix in ["[anon:", "[anon_shmem:"] where path.hasPrefix(prefix) {
                return .namedAnonymous(String(path.dropFirst(prefix.count).dropLast()))
            }
            return .otherPseudo(String(path.dropFirst().dropLast()))
        }
    }

    /// True when the file was unlinked after it was mapped.
    public var isDeleted: Bool { path.hasSuffix(" (deleted)") }

    /// The file's path without " (deleted)"; nil for anonymous and pseudo mappings.
    public var filePath: String? {
        guard kind == .file else { return nil }
        return isDeleted ? String(path.dropLast(" (deleted)".count)) : path
    }

    /// Parses one maps line (also the header line of an smaps block).
    public static func parse(_ line: ByteLine, path: String) throws(ParseError) -> MapsEntry {
        var cursor = line.fields
        guard let range = cursor.next(), let (startField, endField) = ByteField.split(range, at: UInt8(ascii: "-")),
              let start = ByteField.hexUInt64(startField), let end = ByteField.hexUInt64(endField), start <= end
        else { throw line.error(path, expected: "an address range \"start-end\" in hex") }
        guard let permsField = cursor.next(), let permissions = parsePermissions(permsField) else {
            throw line.error(path, expected: "permissions such as \"r-xp\"")
        }
        guard let offsetField = cursor.next(), let offset = ByteField.hexUInt64(offsetField) else {
            throw line.error(path, expected: "a hex file offset")
        }
        guard let deviceField = cursor.next(), let (majorField, minorField) = ByteField.split(deviceField, at: UInt8(ascii: ":")),
              let major = ByteField.hexUInt64(majorField), major <= UInt32.max,
              let minor = ByteField.hexUInt64(minorField), minor <= UInt32.max
        else { throw line.error(path, expected: "a device \"major:minor\" in hex") }
        guard let inodeField = cursor.next(), let inode = ByteField.uint64(inodeField) else {
            throw line.error(path, expected: "a decimal inode number")
        }
        return MapsEntry(
            start: start, end: end, permissions: permissions, offset: offset,
            deviceMajor: UInt32(major), deviceMinor: UInt32(minor), inode: inode,
            path: ByteField.string(cursor.rest))
    }

    private static func parsePermissions(_ field: Slice<UnsafeRawBufferPointer>) -> Permissions? {
        guard field.count == 4 else { return nil }
        let base = field.startIndex
        func flag(_ offset: Int, _ letter: UInt8) -> Bool? {
            let byte = field[base + offset]
            if byte == UInt8(ascii: "-") { return false }
            return byte == letter ? true : nil
        }
        guard let read = flag(0, UInt8(ascii: "r")), let write = flag(1, UInt8(ascii: "w")),
              let execute = flag(2, UInt8(ascii: "x"))
        else { return nil }
        let sharing = field[base + 3]
        guard sharing == UInt8(ascii: "s") || sharing == UInt8(ascii: "p") else { return nil }
        return Permissions(read: read, write: write, execute: execute, shared: sharing == UInt8(ascii: "s"))
    }
}

extension ProcRoot {
    /// Reads `/proc/PID/maps`.
    public func processMaps(pid: Int32, buffer: ReadBuffer) throws(SourceError) -> ProcessMaps {
        try parse("proc/\(pid)/maps", with: buffer, ProcessMaps.parse)
    }
}
