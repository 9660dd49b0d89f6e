#if canImport(Glibc)
import Glibc
#endif
import KernelFiles
import MemoryModel
import Synchronization

/// A bundle on disk, as `--bundle` names it and `capture -o` writes it: a
/// directory, or a gzip'd tar of one.
///
/// The `.tar.gz` side runs the system's `tar` (posix_spawnp, no shell)
/// rather than a Swift tar writer and zlib: `tar` is on every host that
/// captures or analyses (GNU tar, busybox), it already handles the links,
/// long names and gzip a bundle needs, and linking zlib would need a system
/// library target (a Package.swift change, zlib headers for every build and a
/// static libz for the static one) for a path no one-shot view takes.
enum BundleArchive {
    /// Whether `-o`/`--bundle` names an archive rather than a directory.
    static func isArchive(_ path: String) -> Bool {
        path.hasSuffix(".tar.gz") || path.hasSuffix(".tgz")
    }

    /// Opens `path`: a directory is read in place; a regular file is
    /// extracted with `tar -xzf` into a private directory (mkdtemp, 0700)
    /// removed when the process exits.
    static func open(_ path: String, io: FileIO) throws(CommandFailure) -> BundleReader {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw CommandFailure("cannot open bundle \(path): \(String(cString: strerror(errno)).lowercased())")
        }
        var directory = path
        if info.st_mode & S_IFMT == S_IFREG {
            guard let extracted = temporaryDirectory(prefix: "memsleuth-bundle") else {
                throw CommandFailure("cannot extract \(path): no temporary directory (\(String(cString: strerror(errno))))")
            }
            RemovalAtExit.register(extracted)
            let status = runTar(["-xzf", path, "-C", extracted, "--no-same-owner", "--no-same-permissions"])
            guard status == 0 else {
                throw CommandFailure("cannot extract \(path): tar exited with status \(status) (is it a .tar.gz written by memsleuth capture?)")
            }
            directory = bundleDirectory(in: extracted)
        } else if info.st_mode & S_IFMT != S_IFDIR {
            throw CommandFailure("cannot open bundle \(path): neither a directory nor a .tar.gz")
        }
        do { return try BundleReader(directory: directory, io: io) } catch {
            // Name the user's file, not the temporary directory.
            let named = directory == path ? error.description
                : "\(path) (manifest.json): \(error.reason)"
            throw CommandFailure(named)
        }
    }

    /// The bundle inside an extracted archive: the directory itself, or its
    /// only subdirectory when the archive was made of a directory.
    private static func bundleDirectory(in extracted: String) -> String {
        let root = ProcRoot(extracted)
        if root.exists("manifest.json") || root.exists("proc") || root.exists("sys") { return extracted }
        if let entries = try? root.list(""), entries.count == 1, let only = entries.first {
            return extracted + "/" + only
        }
        return extracted
    }

    /// A new private directory (0700) under `$TMPDIR` or /tmp, or under `parent`.
    static func temporaryDirectory(prefix: String, in parent: String? = nil) -> String? {
        let base = parent ?? (getenv("TMPDIR").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp")
        var template = Array((base + "/" + prefix + ".XXXXXX").utf8CString)
        return template.withUnsafeMutableBufferPointer { buffer -> String? in
            guard let base = buffer.baseAddress, mkdtemp(base) != nil else { return nil }
            return String(cString: base)
        }
    }

    /// Runs `tar` with `arguments` (no shell), its stdout discarded, its
    /// stderr the user's; the exit status (127 when it could not start).
    static func runTar(_ arguments: [String]) -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0)
        let argv: [UnsafeMutablePointer<CChar>?] = (["tar"] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid = pid_t()
        guard posix_spawnp(&pid, "tar", &actions, nil, argv, environ) == 0 else { return 127 }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { return 127 }
        }
        // WIFEXITED / WEXITSTATUS, which Swift does not import as macros.
        return status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }

    /// Removes a tree without following links: a link is unlinked, never
    /// entered (lstat), so a link in a bundle cannot make this remove
    /// anything outside it.
    static func removeTree(_ path: String) {
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        if info.st_mode & S_IFMT == S_IFDIR {
            for name in (try? FileIO.system.listDirectory(path)) ?? [] { removeTree(path + "/" + name) }
            rmdir(path)
        } else {
            unlink(path)
        }
    }
}

/// Temporary directories to remove when the process exits (an extracted
/// `--bundle`): registered once with atexit(3), which runs after a normal
/// return from `main` and after SIGINT has stopped a refreshing view.
enum RemovalAtExit {
    private static let paths = Mutex<[String]>([])
    private static let installed = Mutex(false)

    static func register(_ path: String) {
        paths.withLock { $0.append(path) }
        let first = installed.withLock { installed -> Bool in
            defer { installed = true }
            return !installed
        }
        if first { atexit { RemovalAtExit.removeAll() } }
    }

    static func removeAll() {
        for path in paths.withLock({ paths -> [String] in defer { paths = [] }; return paths }) {
            BundleArchive.removeTree(path)
        }
    }
}
