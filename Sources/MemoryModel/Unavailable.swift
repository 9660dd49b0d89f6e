import KernelFiles

/// A source that could not be read, why, and what the user can do about it:
/// the `"unavailable"` entries of CLI.md.
public struct Unavailable: Sendable, Equatable {
    /// The kernel path as the host names it ("/proc/slabinfo"), root prefix removed.
    public let source: String
    public let reason: String
    /// What to do, or nil when nothing helps (the kernel does not have it).
    public let remedy: String?

    public init(source: String, reason: String, remedy: String?) {
        self.source = source
        self.reason = reason
        self.remedy = remedy
    }

    /// Describes a failed read or parse of `relative` (a path under the root).
    public init(relative: String, error: SourceError) {
        self.source = "/" + relative
        switch error {
        case .read(let read):
            self.reason = read.reason
            if read.isPermissionDenied {
                self.remedy = SourceRemedy.permission(for: relative)
            } else if read.errno == .noSuchFileOrDirectory {
                self.remedy = SourceRemedy.missing(for: relative)
            } else {
                self.remedy = nil
            }
        case .parse(let parse):
            self.reason = parse.description
            self.remedy = "please report this with the file attached (memsleuth capture -o bundle.tar.gz)"
        }
    }
}

/// The remedies for sources that fail in known ways.
enum SourceRemedy {
    static func permission(for relative: String) -> String {
        if relative.hasPrefix("proc/slabinfo") || relative.hasPrefix("sys/kernel/slab") {
            return "slab data needs root; run with sudo or grant CAP_SYS_ADMIN"
        }
        if relative.hasPrefix("proc/pagetypeinfo") {
            return "pagetypeinfo is root-only since Linux 5.6; run with sudo"
        }
        return "run with sudo to read it"
    }

    static func missing(for relative: String) -> String? {
        switch relative {
        case "proc/slabinfo": return "this kernel was built without CONFIG_SLUB_DEBUG/slabinfo, or /proc is not mounted"
        case "proc/pressure/memory": return "pressure stall information needs Linux 4.20+ with CONFIG_PSI (and psi=1 on some distributions)"
        case "proc/pagetypeinfo": return nil
        default: return nil
        }
    }
}
