import KernelFiles
import MemoryModel

/// Everything the doctor judges: the newest snapshot, older ones when there
/// is history (oldest first), and the process, cgroup and tmpfs facts the
/// rules need. Built by `DiagnosisInput.gather` (live or a --root tree) or by
/// tests directly.
public struct DiagnosisInput: Sendable {
    public var snapshot: Snapshot
    /// Earlier samples of the same host, oldest first; empty for one sample.
    public var history: [Snapshot]
    /// The process sweep (all processes, figures as `memsleuth ps`).
    public var processes: ProcessSweep?
    /// Processes with traits a rule looks for (libraries mapped, an
    /// environment variable, the parent chain), found by the gatherer.
    public var suspects: [ProcessEvidence]
    public var cgroups: CgroupTree?
    public var tmpfs: [TmpfsMount]
    /// Sources the gatherer could not read beyond the snapshot's own.
    public var unavailable: [Unavailable]

    public init(snapshot: Snapshot, history: [Snapshot] = [], processes: ProcessSweep? = nil,
                suspects: [ProcessEvidence] = [], cgroups: CgroupTree? = nil, tmpfs: [TmpfsMount] = [],
                unavailable: [Unavailable] = []) {
        self.snapshot = snapshot
        self.history = history
        self.processes = processes
        self.suspects = suspects
        self.cgroups = cgroups
        self.tmpfs = tmpfs
        self.unavailable = unavailable
    }
}

/// What the gatherer learned about one process of interest.
public struct ProcessEvidence: Sendable, Equatable {
    public var pid: Int32
    public var command: String
    public var cmdline: String
    /// The `exe` link target as the kernel reported it (never followed).
    public var executable: String?
    /// Paths of mapped libraries that a rule cares about (e.g. libnss3.so,
    /// libsoftokn3.so), from /proc/PID/maps.
    public var mappedLibraries: [String]
    /// The value of each environment variable a rule asked about; a key
    /// that is absent from the environment is absent here. nil when environ
    /// could not be read (then nothing is known about the environment).
    public var environment: [String: String]?
    /// The parent chain, nearest first: (pid, command line) up to init.
    public var ancestors: [Ancestor]

    public struct Ancestor: Sendable, Equatable {
        public var pid: Int32
        public var cmdline: String
        public init(pid: Int32, cmdline: String) {
            self.pid = pid
            self.cmdline = cmdline
        }
    }

    public init(pid: Int32, command: String, cmdline: String, executable: String?, mappedLibraries: [String],
                environment: [String: String]?, ancestors: [Ancestor]) {
        self.pid = pid
        self.command = command
        self.cmdline = cmdline
        self.executable = executable
        self.mappedLibraries = mappedLibraries
        self.environment = environment
        self.ancestors = ancestors
    }
}

/// A tmpfs (or shmem-backed) mount and how much of it is used: the same
/// value whether statfs'd live or read from a capture's `memsleuth/tmpfs`.
public typealias TmpfsMount = CapturedTmpfs.Mount
