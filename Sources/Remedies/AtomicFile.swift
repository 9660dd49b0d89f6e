#if canImport(Glibc)
import Glibc
#endif
import MemoryModel

/// Replacing a file so that a reader sees the old or the new content, never
/// half: a temporary beside it, the original's mode and owner, rename(2).
public enum AtomicFile {
    /// The original's mode (permission bits), owner and group; nil when it
    /// does not exist. Refuses (throws) what is not a regular file.
    public static func attributes(of path: String) throws(WriteFailure) -> (mode: UInt32, uid: UInt32, gid: UInt32)? {
        var info = stat()
        if lstat(path, &info) != 0 {
            if errno == ENOENT { return nil }
            throw WriteFailure(path: path, errno: .init(rawValue: errno))
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw WriteFailure(path: path, errno: .invalidArgument) }
        return (UInt32(info.st_mode & 0o7777), info.st_uid, info.st_gid)
    }

    /// Writes `bytes` to `path` through a temporary in the same directory.
    /// A new file gets `defaultMode`, owned by the caller.
    public static func replace(_ path: String, with bytes: [UInt8], defaultMode: UInt32 = 0o644,
                               writes: SystemWrites) throws(WriteFailure) {
        let existing = try attributes(of: path)
        let temporary = path + ".memsleuth-tmp-\(getpid())"
        do { try writes.write(temporary, bytes, .createNew) } catch { throw WriteFailure(path: temporary, errno: error) }
        do {
            let mode = existing?.mode ?? defaultMode
            try writes.setAttributes(temporary, mode, existing?.uid ?? geteuid(), existing?.gid ?? getegid())
            try writes.rename(temporary, path)
        } catch {
            writes.remove(temporary)
            throw WriteFailure(path: path, errno: error)
        }
    }

    /// Writes a copy of `path` to `backup` (which must not exist) with the
    /// same mode and owner.
    public static func backUp(_ path: String, original: [UInt8], to backup: String,
                              writes: SystemWrites) throws(WriteFailure) {
        let existing = try attributes(of: path)
        do { try writes.write(backup, original, .createNew) } catch { throw WriteFailure(path: backup, errno: error) }
        if let existing {
            do { try writes.setAttributes(backup, existing.mode, existing.uid, existing.gid) } catch {
                throw WriteFailure(path: backup, errno: error)
            }
        }
    }

    /// `PATH.memsleuth-backup-20261125T081756Z` (UTC, no colons: safe in any file name).
    public static func backupPath(_ path: String, seconds: Int64) -> String {
        path + ".memsleuth-backup-" + WallTime(seconds: seconds, nanoseconds: 0, monotonic: 0).basicUTC
    }
}
