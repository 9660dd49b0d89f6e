#if canImport(Glibc)
import Glibc
#endif

/// Where memsleuth keeps what it writes about a host: the history store
/// (`record`) and the action log (`fix`). One rule for both, as CLI.md
/// gives it: `/var/lib/memsleuth` as root; otherwise `$XDG_STATE_HOME/memsleuth`
/// (an absolute XDG_STATE_HOME only, as the XDG spec says) or
/// `~/.local/state/memsleuth`.
public enum StateDirectory {
    /// The directory for a user, from their effective uid and environment;
    /// nil when neither XDG_STATE_HOME nor HOME says where (a non-root
    /// process with an empty environment).
    public static func path(euid: UInt32, environment: (String) -> String?) -> String? {
        if euid == 0 { return "/var/lib/memsleuth" }
        if let state = environment("XDG_STATE_HOME"), state.hasPrefix("/") { return state + "/memsleuth" }
        guard let home = environment("HOME"), !home.isEmpty else { return nil }
        return home + "/.local/state/memsleuth"
    }

    /// The recorder's store in `directory`: what `record` writes without
    /// --db and what the doctor looks for.
    public static func historyStore(in directory: String) -> String { directory + "/history.sqlite" }

    /// The directory for this process.
    public static func current() -> String? {
        path(euid: geteuid()) { name in getenv(name).map { String(cString: $0) } }
    }

    /// mkdir -p of `directory` (0755 for new levels); on failure the first
    /// level that could not be made and the errno.
    public static func create(_ directory: String) -> (path: String, errno: Int32)? {
        var index = directory.startIndex
        let full = directory.hasSuffix("/") ? directory : directory + "/"
        while let slash = full[index...].firstIndex(of: "/") {
            defer { index = full.index(after: slash) }
            guard slash != full.startIndex else { continue }
            let prefix = String(full[..<slash])
            if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
                return (prefix, errno)
            }
        }
        return nil
    }
}
