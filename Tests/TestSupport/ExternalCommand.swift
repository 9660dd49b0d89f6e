import Foundation

/// Runs a real program (a peer tool such as `free -b`, or the built
/// memsleuth binary) and captures its output.
public struct ExternalCommand: Sendable {
    public let stdout: String
    public let stderr: String
    public let exitCode: Int32

    /// Runs `executable` with `arguments`; `asUser` runs it through
    /// `setpriv` with that user's uid/gid and no supplementary groups.
    public static func run(_ executable: String, _ arguments: [String] = [], asUser: String? = nil,
                           environment: [String: String]? = nil) throws -> ExternalCommand {
        let process = Foundation.Process()
        if let user = asUser {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
            process.arguments = ["--reuid=\(user)", "--regid=\(user)", "--clear-groups", "--reset-env", executable] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: executable.hasPrefix("/") ? executable : "/usr/bin/env")
            process.arguments = executable.hasPrefix("/") ? arguments : [executable] + arguments
        }
        if let environment { process.environment = environment }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read before waiting: a full pipe would otherwise block the child.
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return ExternalCommand(
            stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self),
            exitCode: process.terminationStatus)
    }

    /// True when a program is on the PATH (live parity tests need the peers installed).
    public static func exists(_ name: String) -> Bool {
        (try? run("sh", ["-c", "command -v \(name)"]).exitCode) == 0
    }
}

/// The memsleuth executable `swift test` built, for tests that must run the
/// real binary (another user, another process). `MEMSLEUTH_BINARY` overrides.
public enum BuiltBinary {
    public static var path: String {
        if let override = ProcessInfo.processInfo.environment["MEMSLEUTH_BINARY"] { return override }
        var root = #filePath
        for _ in 0..<3 { root = String(root[..<(root.lastIndex(of: "/") ?? root.endIndex)]) }
        return root + "/.build/debug/memsleuth"
    }
}
