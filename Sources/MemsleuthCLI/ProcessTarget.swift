import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif
import KernelFiles

/// The PID argument of the per-process views (smaps, layout, pagemap).
enum ProcessTarget {
    /// A positive decimal PID that fits the kernel's pid_t; usage error (64) otherwise.
    static func pid(_ text: String) throws -> Int32 {
        guard let value = Int32(text), value > 0 else {
            throw ValidationError("PID must be a positive decimal process id, not \"\(text)\"")
        }
        return value
    }

    /// Fails with exit 1 and a clear line when the process is not there.
    static func requireExists(_ pid: Int32, in root: ProcRoot) throws(CommandFailure) {
        guard root.exists("proc/\(pid)") else {
            throw CommandFailure("process \(pid) does not exist (no \(root.path("proc/\(pid)")))")
        }
    }

    /// The failure for a per-process source the view cannot do without.
    static func failure(_ error: SourceError, pid: Int32) -> CommandFailure {
        if case .read(let read) = error {
            if read.isPermissionDenied {
                // As root this is a sandbox or LSM refusing even root (/proc/1/maps here).
                return CommandFailure(error, remedy: geteuid() == 0
                    ? "even root may not read it on this host (a sandbox or security module protects the process)"
                    : "another user's process: run as root or as the process's owner")
            }
            if read.isNoData { return CommandFailure("process \(pid) has exited (\(read.path): \(read.reason))") }
        }
        return CommandFailure(error)
    }
}
