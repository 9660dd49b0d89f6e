#if canImport(Glibc)
import Glibc
#endif
import KernelFiles

/// Folds a stream of trace events into who allocated what: per traced
/// process, objects allocated, and how many of those were freed again
/// (matched by object pointer), with the fork/exec/exit history that says
/// who started whom.
///
/// State is kept in dictionaries keyed by integers (pid → record index,
/// pointer → record index), so a million events cost a million lookups and
/// no strings; text is made only when a pid appears for the first time.
public final class SlabAttribution {
    /// One traced task. A pid that is reused after its exit gets a new record.
    public struct Record: Sendable, Equatable {
        public var pid: Int32
        /// The task name as the trace prints it (at most 15 bytes).
        public var comm: String
        /// `sched_process_exec` filename, when it exec'd during the trace.
        public var executable: String?
        public var parentPID: Int32?
        /// Index of the parent's record, when the fork was traced or the parent is known.
        public var parent: Int?
        /// True when its fork or exec happened during the trace.
        public var startedDuringTrace = false
        public var exited = false
        public var allocated: UInt64 = 0
        /// Objects it allocated that were freed again (by anyone) during the trace.
        public var freed: UInt64 = 0
        /// Filled by a `ProcessFacts` lookup (live /proc), when it could.
        public var commandLine: [String]?
        public var cgroup: String?

        public var kept: UInt64 { allocated &- freed }
    }

    public private(set) var records: [Record] = []
    private var recordOfPID: [Int32: Int] = [:]
    private var ownerOfObject: [UInt64: Int32] = [:]
    private let parser: TraceLineParser
    private let facts: ProcessFacts?
    private var lastPID: Int32 = -1
    private var lastRecord = 0
    /// Carry-over of a line split across two reads.
    private var partial: [UInt8] = []

    public private(set) var allocations: UInt64 = 0
    public private(set) var frees: UInt64 = 0
    /// Frees of objects allocated before the trace began (not attributed).
    public private(set) var freesOfOlderObjects: UInt64 = 0
    public private(set) var lostEvents: UInt64 = 0
    public private(set) var firstTime: UInt64?
    public private(set) var lastTime: UInt64?

    /// `facts` answers for processes (command line, cgroup, parent) the
    /// moment they appear; nil on a captured trace, where only the events speak.
    public init(cacheName: String? = nil, facts: ProcessFacts? = nil) {
        self.parser = TraceLineParser(cacheName: cacheName)
        self.facts = facts
        partial.reserveCapacity(4096)
    }

    /// Feeds bytes read from `trace_pipe`; a line cut at the end is kept for the next call.
    public func feed(_ bytes: UnsafeRawBufferPointer) {
        guard !bytes.isEmpty else { return }
        var start = bytes.startIndex
        if !partial.isEmpty {
            guard let newline = bytes.firstIndex(of: 0x0a) else {
                partial.append(contentsOf: bytes)
                return
            }
            partial.append(contentsOf: bytes[start..<newline])
            let line = partial
            partial.removeAll(keepingCapacity: true)
            line.withUnsafeBytes { consumeLine($0[...]) }
            start = newline + 1
        }
        var i = start
        let end = bytes.endIndex
        while i < end {
            // memchr is much faster than a byte loop for finding newlines.
            guard let found = memchrIndex(bytes, from: i) else {
                partial.append(contentsOf: bytes[i..<end])
                return
            }
            consumeLine(bytes[i..<found])
            i = found + 1
        }
    }

    /// Ends the stream: a last line without its newline is still a line.
    public func finish() {
        guard !partial.isEmpty else { return }
        let line = partial
        partial.removeAll()
        line.withUnsafeBytes { consumeLine($0[...]) }
    }

    /// Consumes events decoded from trace_pipe_raw pages, which come per
    /// CPU: sorted by time first, so that a fork on one CPU comes before
    /// the child's allocations on another, and an allocation before its free.
    public func consume(_ events: inout [(time: UInt64, event: TraceEvent)]) {
        events.sort { $0.time < $1.time }
        let noComm = UnsafeRawBufferPointer(start: nil, count: 0)[...]
        for (_, event) in events { consume(event, comm: noComm) }
        events.removeAll(keepingCapacity: true)
    }

    /// Names the records that have no name yet (raw records carry none, and
    /// a process gone before /proc was asked has none) from the kernel's
    /// pid → comm cache, `saved_cmdlines` ("2300 curl" per line).
    public func nameUnnamed(savedCmdlines: String) {
        guard records.contains(where: { $0.comm == "?" }) else { return }
        var names: [Int32: String] = [:]
        for line in savedCmdlines.split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 1)
            if parts.count == 2, let pid = Int32(parts[0]) { names[pid] = String(parts[1]) }
        }
        for index in records.indices where records[index].comm == "?" {
            if let name = names[records[index].pid] { records[index].comm = name }
        }
    }

    /// Counts events the kernel dropped (the reader fell behind).
    public func noteLost(_ count: UInt64) { lostEvents &+= count }

    @inline(__always)
    private func consumeLine(_ line: Slice<UnsafeRawBufferPointer>) {
        guard let (event, comm) = parser.parse(line) else { return }
        consume(event, comm: comm)
    }

    private func consume(_ event: TraceEvent, comm: Slice<UnsafeRawBufferPointer>) {
        switch event {
        case let .alloc(pid, time, pointer, _):
            note(time)
            let record = self.record(pid, comm: comm)
            records[record].allocated &+= 1
            allocations &+= 1
            if let previous = ownerOfObject.updateValue(Int32(truncatingIfNeeded: record), forKey: pointer) {
                // An allocation whose free we missed (lost events): the older one is gone.
                records[Int(previous)].freed &+= 1
            }
        case let .free(_, time, pointer):
            note(time)
            frees &+= 1
            if let owner = ownerOfObject.removeValue(forKey: pointer) {
                records[Int(owner)].freed &+= 1
            } else {
                freesOfOlderObjects &+= 1
            }
        case let .fork(parentPID, childPID, childComm, time):
            note(time)
            let parent = self.record(parentPID, comm: comm)
            if let seen = recordOfPID[childPID], !records[seen].exited, !records[seen].startedDuringTrace {
                // Seen first (per-CPU raw pages read in another round): this fork is its start, not a reused pid.
                records[seen].parentPID = parentPID
                records[seen].parent = parent
                records[seen].startedDuringTrace = true
                if records[seen].cgroup == nil { records[seen].cgroup = records[parent].cgroup }
                return
            }
            var child = Record(pid: childPID, comm: childComm)
            child.parentPID = parentPID
            child.parent = parent
            child.startedDuringTrace = true
            child.cgroup = facts?.cgroup(childPID) ?? records[parent].cgroup
            records.append(child)
            recordOfPID[childPID] = records.count - 1
            if lastPID == childPID { lastPID = -1 }
        case let .exec(pid, execComm, filename, time):
            note(time)
            let record = self.record(pid, comm: comm)
            records[record].comm = execComm
            records[record].executable = filename
            records[record].startedDuringTrace = true
            if let commandLine = facts?.commandLine(pid), !commandLine.isEmpty { records[record].commandLine = commandLine }
        case let .exit(pid, time):
            note(time)
            if let record = recordOfPID[pid] { records[record].exited = true }
        case let .lost(count):
            lostEvents &+= count
        }
    }

    @inline(__always)
    private func note(_ time: UInt64) {
        if firstTime == nil { firstTime = time }
        lastTime = time
    }

    /// The record of `pid`, made on its first appearance (a process that
    /// was running before the trace: its facts are read live, if there are any).
    @inline(__always)
    private func record(_ pid: Int32, comm: Slice<UnsafeRawBufferPointer>) -> Int {
        if pid == lastPID { return lastRecord }
        let index: Int
        if let known = recordOfPID[pid] {
            index = known
        } else {
            // Raw records carry no task name: ask /proc while the task lives.
            index = newRecord(pid, comm: comm.isEmpty ? (facts?.comm(pid) ?? "?") : ByteField.string(comm))
        }
        lastPID = pid
        lastRecord = index
        return index
    }

    private func newRecord(_ pid: Int32, comm: String) -> Int {
        var record = Record(pid: pid, comm: comm)
        if let facts {
            record.commandLine = facts.commandLine(pid)
            record.cgroup = facts.cgroup(pid)
            if let parentPID = facts.parentPID(pid) {
                record.parentPID = parentPID
                if let parent = recordOfPID[parentPID] {
                    record.parent = parent
                } else if parentPID > 0 {
                    records.append(record)
                    let index = records.count - 1
                    recordOfPID[pid] = index
                    let parentComm = facts.comm(parentPID) ?? "?"
                    let parent = newRecord(parentPID, comm: parentComm)
                    records[index].parent = parent
                    return index
                }
            }
        }
        records.append(record)
        recordOfPID[pid] = records.count - 1
        return records.count - 1
    }

    @inline(__always)
    private func memchrIndex(_ bytes: UnsafeRawBufferPointer, from start: Int) -> Int? {
        guard let base = bytes.baseAddress else { return nil }
        guard let hit = memchr(base + start, 0x0a, bytes.count - start) else { return nil }
        return UnsafeRawPointer(hit) - base
    }
}

/// What the live system says about a process while it still runs: the
/// seam between the trace and /proc (tests pass their own).
public struct ProcessFacts: Sendable {
    public var commandLine: @Sendable (Int32) -> [String]?
    public var cgroup: @Sendable (Int32) -> String?
    public var parentPID: @Sendable (Int32) -> Int32?
    public var comm: @Sendable (Int32) -> String?

    public init(commandLine: @escaping @Sendable (Int32) -> [String]?, cgroup: @escaping @Sendable (Int32) -> String?,
                parentPID: @escaping @Sendable (Int32) -> Int32?, comm: @escaping @Sendable (Int32) -> String?) {
        self.commandLine = commandLine
        self.cgroup = cgroup
        self.parentPID = parentPID
        self.comm = comm
    }

    /// Reads `/proc/PID/{cmdline,cgroup,stat}` through `root`.
    public static func live(_ root: ProcRoot) -> ProcessFacts {
        // One buffer per lookup: these run once per new process, not per event.
        ProcessFacts(
            commandLine: { pid in try? root.processCmdline(pid, buffer: ReadBuffer(capacity: 4096)).arguments },
            cgroup: { pid in (try? root.processCgroup(pid, buffer: ReadBuffer(capacity: 4096)))?.memoryPath },
            parentPID: { pid in (try? root.processStat(pid, buffer: ReadBuffer(capacity: 4096)))?.ppid },
            comm: { pid in try? root.processComm(pid, buffer: ReadBuffer(capacity: 4096)) })
    }
}
