import Foundation

/// A long-running child (a server) that a test starts and must stop:
/// `stop()` sends SIGTERM and waits, and `deinit` does the same, so a test
/// that fails half-way leaves nothing running.
public final class RunningProcess: @unchecked Sendable {
    // @unchecked: the Process is only touched from the test that owns this.
    public let process: Foundation.Process
    private let output: Pipe
    /// Where stderr goes (a file in the test's temp dir), for failure messages.
    public let logPath: String

    /// Starts `executable` with `arguments`; stderr (and stdout unless
    /// `readStdout`) go to `logPath`.
    public init(_ executable: String, _ arguments: [String], logPath: String,
                currentDirectory: String? = nil) throws {
        process = Foundation.Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let currentDirectory { process.currentDirectoryURL = URL(fileURLWithPath: currentDirectory) }
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        output = Pipe()
        process.standardOutput = output
        process.standardError = log
        self.logPath = logPath
        try process.run()
    }

    public var pid: Int32 { process.processIdentifier }
    public var isRunning: Bool { process.isRunning }

    /// The child's first line on stdout (a server printing its port), or
    /// nil when it exits first.
    public func firstLine() -> String? {
        var bytes: [UInt8] = []
        let handle = output.fileHandleForReading
        while true {
            let chunk = handle.availableData
            if chunk.isEmpty { return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self) }
            for byte in chunk {
                if byte == UInt8(ascii: "\n") { return String(decoding: bytes, as: UTF8.self) }
                bytes.append(byte)
            }
        }
    }

    /// What the child wrote to its log so far.
    public var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// SIGTERM, then wait for it to exit; SIGKILL after `grace` seconds
    /// (a child started by the test runner inherits a signal mask that may
    /// block SIGTERM, and a test must never hang on a stuck server).
    public func stop(grace: Double = 10) {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = Date().addingTimeInterval(grace)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    deinit { stop() }
}

/// A TCP port on 127.0.0.1 that nothing listens on at the moment of asking
/// (the kernel's choice for port 0). Another process could take it before
/// the caller binds it; callers that can should let the child bind port 0.
public func freeLoopbackPort() -> Int? {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let bound = withUnsafePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard bound == 0 else { return nil }
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let named = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    guard named == 0 else { return nil }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// A fresh directory under the system temp dir, for one test's files.
public func makeTemporaryDirectory(_ prefix: String) throws -> String {
    let path = NSTemporaryDirectory() + "\(prefix)-\(UUID().uuidString.prefix(8))"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}
