#if canImport(Glibc)
import Glibc
#endif
import KernelFiles

/// `memsleuth reproduce dentry-leak`: the incident's health check, made
/// safe. A parent shell script (`healthcheck.sh`) starts a short-lived
/// prober `rate` times a second; each prober looks up `probes` names that
/// do not exist, as NSS's sqlite key-database code does with `access()`
/// (nss/lib/softoken/sdb.c, `sdb_measureAccess`), leaving one negative
/// dentry per name. With `NSS_SDB_USE_CACHE=yes` in the environment the
/// prober does not probe, as NSS does not: the fix, shown working.
///
/// The prober is `/bin/sh` under its own name (`bin/nss-probe`, a
/// symlink), so the kernel names it `nss-probe` and its parent is the
/// script: what `trace slab` must find.
public struct DentryLeakRehearsal {
    public var ratePerSecond: Double
    public var probes: Int
    public var durationSeconds: Double
    /// The directory the rehearsal makes its own subdirectory in.
    public var parent: String
    /// Leave the directory (and with it the negative dentries) for the doctor to find.
    public var keep = false

    public struct Outcome: Sendable {
        public var directory: String
        public var script: String
        public var scriptPID: Int32
        public var probers: Int
        public var elapsedSeconds: Double
        public var interrupted: Bool
        /// NSS_SDB_USE_CACHE=yes was set: the probers did not probe.
        public var cacheEnvironmentSet: Bool
        public var before: Reading
        /// After the probers, before the cleanup.
        public var after: Reading
        /// After the cleanup (removing the directory prunes its negative dentries); nil with `keep`.
        public var afterCleanup: Reading?
        public var kept: Bool
    }

    /// The dentry cache as the kernel counts it.
    public struct Reading: Sendable, Equatable {
        public var nrDentry: UInt64?
        public var nrNegative: UInt64?
        /// `/proc/slabinfo` dentry active objects (root only).
        public var slabObjects: UInt64?
        public var slabBytes: UInt64?
    }

    public init(ratePerSecond: Double, probes: Int, durationSeconds: Double, parent: String) {
        self.ratePerSecond = ratePerSecond
        self.probes = probes
        self.durationSeconds = durationSeconds
        self.parent = parent
    }

    public var probers: Int { max(1, Int((ratePerSecond * durationSeconds).rounded())) }

    static var script: String { """
        #!\(shell)
        # memsleuth reproduce dentry-leak: a health check that starts a short-lived
        # prober over and over; each prober looks up names that do not exist, as
        # NSS's sqlite database code does, unless NSS_SDB_USE_CACHE=yes.
        dir=$1 interval=$2 count=$3 probes=$4
        n=0
        while [ "$n" -lt "$count" ]; do
            "$dir/bin/nss-probe" -c '[ "$NSS_SDB_USE_CACHE" = yes ] && exit 0
                i=0; while [ $i -lt "$1" ]; do [ -e "$0/nssdb/cert9.db-$$-$i" ]; i=$((i+1)); done' "$dir" "$probes" &
            n=$((n+1))
            sleep "$interval"
        done
        wait

        """ }

    /// Runs it; `shouldStop` ends it early (SIGINT), the cleanup still runs.
    public func run(root: ProcRoot = ProcRoot(), shouldStop: () -> Bool) throws(TraceFailure) -> Outcome {
        let directory = parent + "/memsleuth-dentry-leak-\(getpid())"
        guard mkdir(directory, 0o700) == 0 else {
            throw TraceFailure("cannot create \(directory): \(String(cString: strerror(errno))) (--dir names where the rehearsal may write)")
        }
        let script = directory + "/healthcheck.sh"
        var cleaned = false
        defer { if !cleaned && !keep { Self.remove(directory) } }
        guard mkdir(directory + "/bin", 0o700) == 0, mkdir(directory + "/nssdb", 0o700) == 0,
              symlink(Self.shell, directory + "/bin/nss-probe") == 0,
              Self.writeFile(script, Self.script) else {
            throw TraceFailure("cannot set up \(directory): \(String(cString: strerror(errno)))")
        }
        let cacheEnvironment = getenv("NSS_SDB_USE_CACHE").map { String(cString: $0) } == "yes"
        let before = Self.reading(root)
        let started = SlabTraceSession.monotonicSeconds()
        let interval = 1 / ratePerSecond
        // Exec'd through its #! line, so that the kernel's exec event itself
        // names the script (what `trace slab` shows even where /proc cannot
        // be asked, e.g. from inside a PID namespace).
        let pid = try Self.spawn([script, directory, String(interval), String(probers), String(probes)])
        var interrupted = false
        var status: Int32 = 0
        while waitpid(pid, &status, WNOHANG) == 0 {
            if shouldStop() {
                interrupted = true
                kill(pid, SIGTERM)
                _ = waitpid(pid, &status, 0)
                break
            }
            usleep(50_000)
        }
        let elapsed = SlabTraceSession.monotonicSeconds() - started
        let after = Self.reading(root)
        var afterCleanup: Reading?
        if !keep {
            Self.remove(directory)
            cleaned = true
            afterCleanup = Self.reading(root)
        }
        return Outcome(directory: directory, script: script, scriptPID: pid, probers: probers, elapsedSeconds: elapsed,
                       interrupted: interrupted, cacheEnvironmentSet: cacheEnvironment, before: before, after: after,
                       afterCleanup: afterCleanup, kept: keep)
    }

    static var shell: String { access("/bin/sh", X_OK) == 0 ? "/bin/sh" : "/usr/bin/sh" }

    static func reading(_ root: ProcRoot) -> Reading {
        let buffer = ReadBuffer()
        let state = try? root.dentryState(buffer: buffer)
        let slab = (try? root.slabinfo(buffer: buffer))?.caches.first { $0.name == "dentry" }
        let pageSize = UInt64(max(4096, sysconf(Int32(_SC_PAGESIZE))))
        return Reading(nrDentry: state?.nrDentry, nrNegative: state?.nrNegative, slabObjects: slab?.activeObjs,
                       slabBytes: slab.map { $0.numSlabs * $0.pagesPerSlab * pageSize })
    }

    /// posix_spawn with the caller's environment (so NSS_SDB_USE_CACHE reaches the probers).
    static func spawn(_ arguments: [String]) throws(TraceFailure) -> Int32 {
        var pid: pid_t = 0
        let cArguments = arguments.map { strdup($0) } + [nil]
        defer { for argument in cArguments { free(argument) } }
        let result = cArguments.withUnsafeBufferPointer { argv -> Int32 in
            guard let base = argv.baseAddress else { return EINVAL }
            return posix_spawn(&pid, arguments[0], nil, nil, UnsafeMutablePointer(mutating: base), environ)
        }
        guard result == 0 else {
            throw TraceFailure("cannot start \(arguments[0]) \(arguments[1]): \(String(cString: strerror(result)))")
        }
        return pid
    }

    static func writeFile(_ path: String, _ text: String) -> Bool {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o700)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) } == bytes.count
    }

    /// Removes what `run` made: the files it wrote and the (empty) directories.
    static func remove(_ directory: String) {
        unlink(directory + "/bin/nss-probe")
        unlink(directory + "/healthcheck.sh")
        rmdir(directory + "/bin")
        rmdir(directory + "/nssdb")
        rmdir(directory)
    }
}
