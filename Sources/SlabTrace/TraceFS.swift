#if canImport(Glibc)
import Glibc
#endif
import KernelFiles

/// Why tracing could not be done: one line for the user, with what would help.
public struct TraceFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Where the kernel's tracing files are, found or mounted.
///
/// tracefs is at /sys/kernel/tracing (4.1+), or under debugfs at
/// /sys/kernel/debug/tracing on older kernels. When neither is mounted,
/// it is mounted in a private mount namespace of the calling thread
/// (`unshare(CLONE_NEWNS)`), so the host's mount table is never changed,
/// not even by a run that is SIGKILLed: the namespace dies with it.
/// Trace instances live in the kernel, not in the mount, so instances
/// made through a private mount are the host's instances all the same.
public struct TraceFS: Sendable {
    /// The directory holding `instances/`, `available_events`, ...
    public let root: String
    /// The mount point this process mounted privately, if it did.
    public let privateMount: String?

    /// Finds tracefs in `/proc/self/mountinfo`, or mounts it privately.
    public static func locate() throws(TraceFailure) -> TraceFS {
        if let found = mounted() { return found }
        guard geteuid() == 0 else {
            throw TraceFailure("tracing needs root: tracefs is not mounted and only root may mount it (run with sudo)")
        }
        // A private mount namespace for this thread, with propagation cut
        // so that the mount below never reaches the host's namespace.
        guard Self.unshareMountNamespace() == 0 else {
            throw TraceFailure("cannot mount tracefs: unshare(CLONE_NEWNS) failed: \(String(cString: strerror(errno))) (needs CAP_SYS_ADMIN; mount it yourself: mount -t tracefs nodev /sys/kernel/tracing)")
        }
        guard mount("none", "/", nil, UInt(MS_REC | MS_PRIVATE), nil) == 0 else {
            throw TraceFailure("cannot make a private mount namespace: \(String(cString: strerror(errno)))")
        }
        if access("/sys/kernel/tracing", F_OK) == 0, mount("nodev", "/sys/kernel/tracing", "tracefs", 0, nil) == 0 {
            return TraceFS(root: "/sys/kernel/tracing", privateMount: "/sys/kernel/tracing")
        }
        // Before 4.1 tracing is a directory of debugfs.
        if mount("nodev", "/sys/kernel/debug", "debugfs", 0, nil) == 0 {
            if access("/sys/kernel/debug/tracing/instances", F_OK) == 0 {
                return TraceFS(root: "/sys/kernel/debug/tracing", privateMount: "/sys/kernel/debug")
            }
            umount2("/sys/kernel/debug", Int32(MNT_DETACH))
        }
        throw TraceFailure("this kernel has no tracefs (neither /sys/kernel/tracing nor debugfs tracing/ could be mounted): it needs CONFIG_FTRACE and CONFIG_TRACING")
    }

    /// `unshare(CLONE_NEWNS)`: Glibc's Swift module hides it (it is
    /// _GNU_SOURCE-only in <sched.h>), so it is looked up in libc.
    static func unshareMountNamespace() -> Int32 {
        let cloneNewNS: Int32 = 0x0002_0000
        guard let symbol = dlsym(nil, "unshare") else { errno = ENOSYS; return -1 }
        let unshare = unsafeBitCast(symbol, to: (@convention(c) (Int32) -> Int32).self)
        return unshare(cloneNewNS)
    }

    /// tracefs (or debugfs' tracing/) as mounted now, if it is.
    static func mounted() -> TraceFS? {
        let buffer = ReadBuffer()
        guard let mountinfo = try? ProcRoot().parse("proc/self/mountinfo", with: buffer, Mountinfo.parse) else { return nil }
        if let tracefs = mountinfo.mounts.last(where: { $0.fsType == "tracefs" && $0.root == "/" }),
           access(tracefs.mountPoint + "/instances", F_OK) == 0 {
            return TraceFS(root: tracefs.mountPoint, privateMount: nil)
        }
        if let debugfs = mountinfo.mounts.last(where: { $0.fsType == "debugfs" && $0.root == "/" }),
           access(debugfs.mountPoint + "/tracing/instances", F_OK) == 0 {
            return TraceFS(root: debugfs.mountPoint + "/tracing", privateMount: nil)
        }
        return nil
    }

    /// Undoes `locate()`: unmounts a private mount (the namespace stays private, and looks like the host's).
    public func release() {
        if let privateMount { umount2(privateMount, Int32(MNT_DETACH)) }
    }

    /// The instance name this process uses.
    public static func instanceName(pid: Int32 = getpid()) -> String { "memsleuth-\(pid)" }

    /// Instances named `memsleuth-PID` whose process is gone (a run killed with SIGKILL).
    public func leftoverInstances() -> [String] {
        guard let names = try? ProcRoot().list(String(root.dropFirst()) + "/instances") else { return [] }
        return names.filter { name in
            guard name.hasPrefix("memsleuth-"), let pid = Int32(name.dropFirst("memsleuth-".count)) else { return false }
            return pid != getpid() && kill(pid, 0) != 0 && errno == ESRCH
        }.sorted()
    }

    /// Removes the leftovers; returns their names. One the kernel refuses
    /// (EBUSY: its trace_pipe is open, so a live run owns it — e.g. a run in
    /// another PID namespace, whose pid looks dead from here) is left alone.
    public func removeLeftovers() -> [String] {
        leftoverInstances().filter { (try? removeInstance($0)) != nil }
    }

    /// Removes an instance (the kernel frees its buffers and disables its events).
    public func removeInstance(_ name: String) throws(TraceFailure) {
        let path = root + "/instances/" + name
        guard rmdir(path) == 0 else {
            throw TraceFailure("cannot remove trace instance \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// Writes `value` to a tracing file (the kernel takes the whole write or refuses it).
    func write(_ relative: String, _ value: String) throws(TraceFailure) {
        let path = root + "/" + relative
        let fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC)
        guard fd >= 0 else { throw TraceFailure("cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var bytes = Array(value.utf8)
        bytes.append(0x0a)
        let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        guard written == bytes.count else {
            throw TraceFailure("cannot write '\(value)' to \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// Reads a small tracing file (a format, a filter) as text.
    func read(_ relative: String) -> String? {
        let buffer = ReadBuffer()
        guard (try? ProcRoot().read(String(root.dropFirst()) + "/" + relative, into: buffer)) != nil else { return nil }
        return buffer.withBytes { String(decoding: $0, as: UTF8.self) }
    }
}
