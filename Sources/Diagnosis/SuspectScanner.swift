#if canImport(Glibc)
import Glibc
#endif
import KernelFiles
import MemoryModel

/// Finds the processes a rule wants to look at closer: those that map the
/// NSS crypto libraries (the incident's curl, PRODUCT.md) or are a curl, and
/// for each the libraries, the environment variables that matter and the
/// parent chain that names the calling script.
///
/// The incident's curl lives for a fraction of a second and any process may
/// load NSS (curl, wget, yum, a browser, a JVM with the PKCS#11 provider), so
/// every process's `maps` is read; the bytes are searched for the library
/// names and parsed only when one is there, so the cost is the read itself
/// (one file per process, as `status` in the sweep).
public struct SuspectScanner {
    /// The libraries whose presence makes a process a suspect: NSS itself,
    /// its softoken (the SQLite key-database code that probes for files that
    /// do not exist, Red Hat BZ#1779325) and the legacy DBM module.
    public static let triggerLibraries = ["libnss3.so", "libsoftokn3.so", "libnssdbm3.so"]
    /// Reported when a trigger library is mapped too (NSS's sqlite).
    public static let contextLibraries = ["libsqlite3"]
    /// Executables that are suspects by name (a curl built against OpenSSL
    /// is recorded too: its libraries then say it does not use NSS).
    public static let commands = ["curl"]
    /// The environment variables recorded for each suspect.
    public static let environmentKeys = ["NSS_SDB_USE_CACHE"]
    /// Ancestors deeper than this are a loop in a hand-made tree.
    static let maximumAncestors = 64

    public let root: ProcRoot
    public let buffer: ReadBuffer
    /// Read `maps` of every process; false leaves only the curl-by-name check
    /// (measures what the maps scan costs).
    public var scansMaps = true

    /// Parent pid and command line per ancestor already read: a health-check
    /// loop may have several curls under the same script.
    private var ancestorCache: [Int32: (ppid: Int32?, cmdline: String)] = [:]

    public init(root: ProcRoot, buffer: ReadBuffer) {
        self.root = root
        self.buffer = buffer
    }

    /// Scans the processes of `rows` (the sweep's, kernel threads already
    /// left out). A process that exits during the scan is skipped if it
    /// went before its maps were read, and kept with what was read after.
    public mutating func scan(_ rows: [ProcessRow]) -> [ProcessEvidence] {
        var suspects: [ProcessEvidence] = []
        for row in rows {
            let byName = Self.commands.contains(row.command)
            var libraries: [String] = []
            if scansMaps {
                guard let mapped = mappedLibraries(row.pid) else { continue }
                libraries = mapped
            }
            guard byName || !libraries.isEmpty else { continue }
            suspects.append(evidence(row, libraries: libraries))
        }
        return suspects
    }

    /// The trigger and context libraries `pid` maps, sorted; [] when none;
    /// nil when maps could not be read (gone, refused, malformed).
    func mappedLibraries(_ pid: Int32) -> [String]? {
        guard (try? root.read("proc/\(pid)/maps", into: buffer)) != nil else { return nil }
        let hit = buffer.withBytes { Self.containsTrigger($0) }
        guard hit else { return [] }
        guard let maps = try? buffer.withBytes({ (bytes) throws(ParseError) in
            try ProcessMaps.parse(bytes, path: root.path("proc/\(pid)/maps"))
        }) else { return nil }
        var paths: Set<String> = []
        for mapping in maps.mappings {
            guard let path = mapping.filePath else { continue }
            let name = path.split(separator: "/").last.map(String.init) ?? path
            if Self.triggerLibraries.contains(where: { name.hasPrefix($0) })
                || Self.contextLibraries.contains(where: { name.hasPrefix($0) }) {
                paths.insert(path)
            }
        }
        // A trigger name in a path that is not a library (a directory called
        // libnss3.so.d) leaves nothing after the parse.
        let triggers = paths.filter { path in
            let name = path.split(separator: "/").last.map(String.init) ?? path
            return Self.triggerLibraries.contains(where: { name.hasPrefix($0) })
        }
        return triggers.isEmpty ? [] : paths.sorted()
    }

    /// The trigger names as bytes, once.
    private static let needles: [[UInt8]] = triggerLibraries.map { Array($0.utf8) }

    /// True when the bytes hold "libnss3.so", "libsoftokn3.so" or
    /// "libnssdbm3.so": memchr(3) to each "l" (never in maps' hex, permission
    /// or device columns), memcmp(3) of the names there; stops at the first.
    static func containsTrigger(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard let base = bytes.baseAddress else { return false }
        let end = base + bytes.count
        var cursor = base
        while cursor < end, let found = memchr(cursor, Int32(UInt8(ascii: "l")), end - cursor) {
            let at = UnsafeRawPointer(found)
            for needle in needles where end - at >= needle.count {
                let same = needle.withUnsafeBytes { n in n.baseAddress.map { memcmp(at, $0, n.count) == 0 } ?? false }
                if same { return true }
            }
            cursor = at + 1
        }
        return false
    }

    private mutating func evidence(_ row: ProcessRow, libraries: [String]) -> ProcessEvidence {
        let pid = row.pid
        let cmdline = (try? root.processCmdline(pid, buffer: buffer))?.joined ?? row.cmdline
        let executable = try? root.readLink("proc/\(pid)/exe")
        var environment: [String: String]? = [:]
        for key in Self.environmentKeys {
            do throws(ReadError) {
                if let value = try root.environment(pid, key, buffer: buffer) { environment?[key] = value }
            } catch {
                // Refused (another user's process as non-root) or gone: the
                // environment is unknown, which is not the same as "absent".
                environment = nil
                break
            }
        }
        let ppid = (try? root.processStatus(pid, buffer: buffer))?.ppid
        return ProcessEvidence(
            pid: pid, command: row.command, cmdline: cmdline.isEmpty ? "[\(row.command)]" : cmdline,
            executable: executable, mappedLibraries: libraries, environment: environment,
            ancestors: ancestors(from: ppid, child: pid))
    }

    /// The parent chain from `ppid` up to pid 1, nearest first. Stops where
    /// a parent cannot be read (exited, or outside this pid namespace: PPid 0).
    private mutating func ancestors(from ppid: Int32?, child: Int32) -> [ProcessEvidence.Ancestor] {
        var chain: [ProcessEvidence.Ancestor] = []
        var seen: Set<Int32> = [child]
        var next = ppid
        while let pid = next, pid > 0, !seen.contains(pid), chain.count < Self.maximumAncestors {
            seen.insert(pid)
            guard let entry = ancestor(pid) else { break }
            chain.append(ProcessEvidence.Ancestor(pid: pid, cmdline: entry.cmdline))
            if pid == 1 { break }
            next = entry.ppid
        }
        return chain
    }

    private mutating func ancestor(_ pid: Int32) -> (ppid: Int32?, cmdline: String)? {
        if let cached = ancestorCache[pid] { return cached }
        guard let status = try? root.processStatus(pid, buffer: buffer) else { return nil }
        let cmdline = (try? root.processCmdline(pid, buffer: buffer))?.joined ?? ""
        let entry = (ppid: status.ppid, cmdline: cmdline.isEmpty ? "[\(status.name)]" : cmdline)
        ancestorCache[pid] = entry
        return entry
    }
}
