/// `/proc/PID/cgroup`: the control groups a process belongs to, one line
/// per hierarchy.
///
/// Format (`man 7 cgroups`):
///
///     0::/user.slice/session-2.scope            (v2, the unified hierarchy)
///     4:memory:/process_api/cd7d4e59ab3a        (v1: id, controllers, path)
///     9:name=systemd:/                          (v1 named hierarchy)
///     3:cpu,cpuacct:/                           (v1, controllers co-mounted)
///
/// A hybrid host (systemd's default before v2-only) has both kinds. The path
/// may itself contain `:`, so each line is split at its first two colons.
public struct ProcessCgroup: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public var hierarchy: UInt32
        /// Empty for the v2 line.
        public var controllers: [String]
        public var path: String

        public init(hierarchy: UInt32, controllers: [String], path: String) {
            self.hierarchy = hierarchy
            self.controllers = controllers
            self.path = path
        }
    }

    public var entries: [Entry]

    public init(entries: [Entry]) { self.entries = entries }

    /// The v2 path (`0::/path`), nil on a v1-only host.
    public var unifiedPath: String? {
        entries.first { $0.hierarchy == 0 && $0.controllers.isEmpty }?.path
    }

    /// The v1 path of the hierarchy that has `controller`, nil when no v1
    /// hierarchy has it.
    public func path(ofController controller: String) -> String? {
        entries.first { $0.hierarchy != 0 && $0.controllers.contains(controller) }?.path
    }

    /// The cgroup that accounts this process's memory: the v1 `memory`
    /// hierarchy's path when there is one (a hybrid host charges memory
    /// there, not in the unified tree), else the v2 path.
    public var memoryPath: String? { path(ofController: "memory") ?? unifiedPath }

    /// Parses `/proc/PID/cgroup`. Empty is allowed (a process that exited).
    public static func parse(_ bytes: UnsafeRawBufferPointer, path: String) throws(ParseError) -> ProcessCgroup {
        var entries: [Entry] = []
        for line in ByteScanner(bytes) where !line.isBlank {
            guard let (idField, rest) = ByteField.split(line.bytes, at: UInt8(ascii: ":")),
                  let (controllersField, pathField) = ByteField.split(rest, at: UInt8(ascii: ":")) else {
                throw line.error(path, expected: "\"id:controllers:/path\"")
            }
            guard let id = ByteField.uint64(idField), id <= UInt32.max else {
                throw line.error(path, expected: "a hierarchy id before the first colon")
            }
            guard pathField.first == UInt8(ascii: "/") else {
                throw line.error(path, expected: "a path starting with / after the second colon")
            }
            var controllers: [String] = []
            if !controllersField.isEmpty {
                var start = controllersField.startIndex
                for index in controllersField.indices where controllersField[index] == UInt8(ascii: ",") {
                    controllers.append(ByteField.string(controllersField[start..<index]))
                    start = index + 1
                }
                controllers.append(ByteField.string(controllersField[start...]))
            }
            entries.append(Entry(hierarchy: UInt32(id), controllers: controllers, path: ByteField.string(pathField)))
        }
        return ProcessCgroup(entries: entries)
    }
}

extension ProcRoot {
    /// Reads `/proc/PID/cgroup`.
    public func processCgroup(_ pid: Int32, buffer: ReadBuffer) throws(SourceError) -> ProcessCgroup {
        try parse("proc/\(pid)/cgroup", with: buffer, ProcessCgroup.parse)
    }
}
