/// `/proc/PID/cmdline`: the process's arguments, each ended by a NUL.
///
/// Format:
///
///     sleep\0300\0
///
/// Empty for kernel threads and zombies. A process that rewrote its argv
/// (setproctitle) may leave one string with spaces and no NUL, or padding
/// NULs; empty arguments in the middle are kept, the padding at the end is not.
public struct ProcessCmdline: Sendable, Equatable {
    public var arguments: [String]

    public init(arguments: [String]) { self.arguments = arguments }

    public var isEmpty: Bool { arguments.isEmpty }

    /// The arguments joined with spaces, as `ps -o args` shows them.
    public var joined: String { arguments.joined(separator: " ") }

    /// Parses `/proc/PID/cmdline`; never fails (any bytes are an argument).
    public static func parse(_ bytes: UnsafeRawBufferPointer, path: String) throws(ParseError) -> ProcessCmdline {
        var end = bytes.endIndex
        while end > bytes.startIndex && bytes[end - 1] == 0 { end -= 1 }
        guard end > bytes.startIndex else { return ProcessCmdline(arguments: []) }
        var arguments: [String] = []
        var start = bytes.startIndex
        for index in bytes.startIndex..<end where bytes[index] == 0 {
            arguments.append(String(decoding: bytes[start..<index], as: UTF8.self))
            start = index + 1
        }
        arguments.append(String(decoding: bytes[start..<end], as: UTF8.self))
        return ProcessCmdline(arguments: arguments)
    }
}

/// `/proc/PID/comm`: the command name (at most 15 bytes) and a newline.
public enum ProcessComm {
    /// Parses `/proc/PID/comm`; an empty file is an error (the kernel always
    /// prints at least the newline).
    public static func parse(_ bytes: UnsafeRawBufferPointer, path: String) throws(ParseError) -> String {
        var lines = ByteScanner(bytes)
        guard let line = lines.next() else {
            throw ParseError(path: path, line: nil, text: nil, expected: "the command name and a newline")
        }
        return ByteField.string(line.bytes)
    }
}

/// `/proc/PID/environ`: the environment the process started with, as
/// `KEY=VALUE` strings each ended by a NUL (readable only by the owner and root).
public enum ProcessEnviron {
    /// The value of `key`, found by scanning the bytes without building a
    /// dictionary of everything; nil when absent.
    public static func value(of key: String, in bytes: UnsafeRawBufferPointer) -> String? {
        let needle = Array(key.utf8) + [UInt8(ascii: "=")]
        var start = bytes.startIndex
        while start < bytes.endIndex {
            var end = start
            while end < bytes.endIndex && bytes[end] != 0 { end += 1 }
            if end - start >= needle.count && bytes[start..<(start + needle.count)].elementsEqual(needle) {
                return String(decoding: bytes[(start + needle.count)..<end], as: UTF8.self)
            }
            start = end + 1
        }
        return nil
    }
}

/// Where `/proc/PID/exe` points: the executable's path as the kernel
/// reports it. The link is read, never followed (it may name a file in
/// another mount namespace, or one that was deleted).
public struct ProcessExecutable: Sendable, Equatable {
    /// The path without the kernel's " (deleted)" suffix.
    public var path: String
    /// The file was deleted (or replaced, as by a package upgrade) after the
    /// process started: the kernel appends " (deleted)".
    public var isDeleted: Bool

    public init(path: String, isDeleted: Bool) {
        self.path = path
        self.isDeleted = isDeleted
    }

    public init(linkTarget: String) {
        let suffix = " (deleted)"
        if linkTarget.hasSuffix(suffix) {
            self.init(path: String(linkTarget.dropLast(suffix.count)), isDeleted: true)
        } else {
            self.init(path: linkTarget, isDeleted: false)
        }
    }
}

extension ProcRoot {
    /// Reads `/proc/PID/cmdline`.
    public func processCmdline(_ pid: Int32, buffer: ReadBuffer) throws(SourceError) -> ProcessCmdline {
        try parse("proc/\(pid)/cmdline", with: buffer, ProcessCmdline.parse)
    }

    /// Reads `/proc/PID/comm`.
    public func processComm(_ pid: Int32, buffer: ReadBuffer) throws(SourceError) -> String {
        try parse("proc/\(pid)/comm", with: buffer, ProcessComm.parse)
    }

    /// One variable of `/proc/PID/environ`; nil when the process does not have it.
    public func environment(_ pid: Int32, _ key: String, buffer: ReadBuffer) throws(ReadError) -> String? {
        try read("proc/\(pid)/environ", into: buffer)
        return buffer.withBytes { ProcessEnviron.value(of: key, in: $0) }
    }

    /// The target of `/proc/PID/exe`, by readlink(2) only.
    public func processExecutable(_ pid: Int32) throws(ReadError) -> ProcessExecutable {
        ProcessExecutable(linkTarget: try readLink("proc/\(pid)/exe"))
    }

    /// The process ids: the numeric names under `proc/`, in numeric order.
    public func pids() throws(ReadError) -> [Int32] {
        var pids: [Int32] = []
        for name in try list("proc") {
            guard let first = name.utf8.first, first &- UInt8(ascii: "0") < 10, let pid = Int32(name), pid > 0 else {
                continue
            }
            pids.append(pid)
        }
        pids.sort()
        return pids
    }
}
