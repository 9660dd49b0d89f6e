/// The `/proc/sys/vm` settings that decide how caches are kept and reclaimed,
/// each a file holding one integer:
///
///     drop_caches          0      (1 page cache, 2 dentries+inodes, 3 both; readable on old kernels,
///                                  write-only (0200) on current ones, then nil)
///     vfs_cache_pressure   100    (above 100 reclaims dentries/inodes sooner)
///     min_free_kbytes      67584  (kB; reported here in bytes)
///     overcommit_memory    0      (0 heuristic, 1 always, 2 never)
///     overcommit_ratio     50     (percent, for overcommit_memory=2)
///
/// plus `/proc/sys/fs/dentry-negative` (0/1: whether unlink keeps a negative
/// dentry; only on recent 6.x kernels). A file the kernel lacks is nil.
public struct VmSysctls: Sendable, Equatable {
    public var dropCaches: UInt64?
    public var vfsCachePressure: UInt64?
    /// `min_free_kbytes` × 1024.
    public var minFreeBytes: UInt64?
    public var overcommitMemory: UInt64?
    public var overcommitRatio: UInt64?
    public var dentryNegative: UInt64?

    public init(dropCaches: UInt64? = nil, vfsCachePressure: UInt64? = nil, minFreeBytes: UInt64? = nil,
                overcommitMemory: UInt64? = nil, overcommitRatio: UInt64? = nil, dentryNegative: UInt64? = nil) {
        self.dropCaches = dropCaches
        self.vfsCachePressure = vfsCachePressure
        self.minFreeBytes = minFreeBytes
        self.overcommitMemory = overcommitMemory
        self.overcommitRatio = overcommitRatio
        self.dentryNegative = dentryNegative
    }

    /// One single-integer sysctl file.
    public static func parseValue(_ bytes: UnsafeRawBufferPointer, path: String) throws(ParseError) -> UInt64 {
        try IntegerLine.parse(bytes, path: path, count: 1, names: "one integer")[0]
    }

    /// A `kB` sysctl (`min_free_kbytes`) as bytes.
    public static func parseKilobytes(_ bytes: UnsafeRawBufferPointer, path: String) throws(ParseError) -> UInt64 {
        let value = try parseValue(bytes, path: path)
        guard let converted = ByteField.kilobytesToBytes(value) else {
            throw ParseError(path: path, line: 1, text: String(value), expected: "a size below 16 EiB")
        }
        return converted
    }
}

extension ProcRoot {
    /// Reads the vm sysctls; a file that does not exist gives nil, any other
    /// failure (permission, malformed) is thrown.
    public func vmSysctls(buffer: ReadBuffer) throws(SourceError) -> VmSysctls {
        var sysctls = VmSysctls()
        // drop_caches is write-only (mode 0200) on current kernels: even root
        // gets EACCES reading it, which means "not shown", not a failure.
        sysctls.dropCaches = try optionalSysctl(
            "proc/sys/vm/drop_caches", buffer, VmSysctls.parseValue, permissionDeniedIsAbsent: true)
        sysctls.vfsCachePressure = try optionalSysctl("proc/sys/vm/vfs_cache_pressure", buffer, VmSysctls.parseValue)
        sysctls.minFreeBytes = try optionalSysctl("proc/sys/vm/min_free_kbytes", buffer, VmSysctls.parseKilobytes)
        sysctls.overcommitMemory = try optionalSysctl("proc/sys/vm/overcommit_memory", buffer, VmSysctls.parseValue)
        sysctls.overcommitRatio = try optionalSysctl("proc/sys/vm/overcommit_ratio", buffer, VmSysctls.parseValue)
        sysctls.dentryNegative = try optionalSysctl("proc/sys/fs/dentry-negative", buffer, VmSysctls.parseValue)
        return sysctls
    }

    private func optionalSysctl(
        _ relative: String, _ buffer: ReadBuffer,
        _ parser: (UnsafeRawBufferPointer, String) throws(ParseError) -> UInt64,
        permissionDeniedIsAbsent: Bool = false
    ) throws(SourceError) -> UInt64? {
        do {
            return try parse(relative, with: buffer, parser)
        } catch {
            if case .read(let read) = error {
                if read.errno == .noSuchFileOrDirectory { return nil }
                if permissionDeniedIsAbsent && read.isPermissionDenied { return nil }
            }
            throw error
        }
    }
}
