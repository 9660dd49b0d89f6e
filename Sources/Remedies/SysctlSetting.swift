import KernelFiles

/// A sysctl `fix` may set: its name for sysctl(8) and sysctl.d, and its
/// file under /proc/sys.
public struct SysctlSetting: Sendable, Equatable {
    /// `vm.vfs_cache_pressure`
    public var key: String
    /// `proc/sys/vm/vfs_cache_pressure`, relative to the root.
    public var file: String

    public static let vfsCachePressure = SysctlSetting(key: "vm.vfs_cache_pressure", file: "proc/sys/vm/vfs_cache_pressure")
    /// Linux 6.12+ (`fs.dentry-negative`); absent before.
    public static let dentryNegative = SysctlSetting(key: "fs.dentry-negative", file: "proc/sys/fs/dentry-negative")

    /// The current value; nil when the kernel has no such file, thrown for
    /// any other failure.
    public func current(_ root: ProcRoot, buffer: ReadBuffer = ReadBuffer()) throws(SourceError) -> UInt64? {
        do {
            return try root.parse(file, with: buffer, VmSysctls.parseValue)
        } catch {
            if case .read(let read) = error, read.errno == .noSuchFileOrDirectory { return nil }
            throw error
        }
    }

    /// Writes `value` to the live file.
    public func set(_ value: UInt64, root: ProcRoot, writes: SystemWrites) throws(WriteFailure) {
        let path = root.path(file)
        do { try writes.write(path, Array("\(value)\n".utf8), .overwrite) } catch {
            throw WriteFailure(path: path, errno: error)
        }
    }
}

/// `/etc/sysctl.d/90-memsleuth.conf`: the settings `fix --persist` keeps
/// across reboots, one `key = value` per line. Lines memsleuth does not
/// own (comments, other keys) are kept as they are.
public enum SysctlConf {
    public static let directory = "/etc/sysctl.d"
    public static let fileName = "90-memsleuth.conf"
    static let header = "# Written by memsleuth fix --persist: the settings it applied, kept across reboots.\n"

    /// `existing` with `key` set to `value`: the line for the key replaced
    /// (sysctl.d allows `vm/vfs_cache_pressure` too), or appended.
    public static func setting(_ key: String, to value: UInt64, in existing: String?) -> String {
        let line = "\(key) = \(value)"
        var lines = (existing ?? header).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        var replaced = false
        for index in lines.indices where keyOf(lines[index]) == normalized(key) {
            if replaced { lines[index] = "# " + lines[index] + "  (superseded by the line above)" } else {
                lines[index] = line
                replaced = true
            }
        }
        if !replaced { lines.append(line) }
        return lines.joined(separator: "\n") + "\n"
    }

    static func keyOf(_ line: String) -> String? {
        var text = Substring(line).drop { $0 == " " || $0 == "\t" }
        if text.hasPrefix("-") { text = text.dropFirst() }  // "-key = value": ignore errors
        guard !text.hasPrefix("#"), !text.hasPrefix(";"), let equals = text.firstIndex(of: "=") else { return nil }
        return normalized(String(text[..<equals]).trimmingSpaces)
    }

    static func normalized(_ key: String) -> String {
        String(key.map { $0 == "/" ? "." : $0 })
    }
}

extension String {
    var trimmingSpaces: String {
        var text = Substring(self)
        while let first = text.first, first == " " || first == "\t" { text.removeFirst() }
        while let last = text.last, last == " " || last == "\t" { text.removeLast() }
        return String(text)
    }
}

/// `vm.vfs_cache_pressure` (Documentation/admin-guide/sysctl/vm.rst).
public enum CachePressure {
    public static func tradeOff(_ value: UInt64) -> String {
        var text: String
        if value > 100 {
            text = "Above 100 the kernel reclaims dentries and inodes in preference to the page cache, so those caches "
                + "stay smaller when memory is short; in exchange more path lookups and metadata reads miss the cache."
            if value > 1000 {
                text += " Far above 100 reclaim itself gets slow: at 1000 it scans ten times more objects than there are."
            }
        } else if value < 100 {
            text = "Below 100 the kernel keeps dentries and inodes longer than the page cache: faster lookups, but a "
                + "growing dentry or inode cache is reclaimed even later."
            if value == 0 { text += " 0 never reclaims them: the host can run out of memory." }
        } else {
            text = "100 is the kernel's default balance between dentry/inode caches and the page cache."
        }
        return text + " It frees nothing now; it only changes what reclaim does when memory is short."
    }
}
