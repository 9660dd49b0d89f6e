import Foundation
import TestSupport

/// The real `memsleuth-serve` (through `memsleuth serve`, as a user runs
/// it) on a free loopback port: started, its port read from the line it
/// prints on stdout, stopped with SIGTERM.
final class ServeProcess {
    let process = Foundation.Process()
    let port: Int
    private let stdout = Pipe()
    private let stderr = Pipe()

    init(_ arguments: [String], environment: [String: String] = [:]) throws {
        process.executableURL = URL(fileURLWithPath: BuiltBinary.path)
        process.arguments = ["serve", "--listen", "127.0.0.1:0"] + arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        var line = Data()
        let handle = stdout.fileHandleForReading
        while !line.contains(0x0A) {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        let text = String(decoding: line, as: UTF8.self)
        guard let range = text.range(of: "127.0.0.1:"),
              let port = Int(text[range.upperBound...].prefix { $0.isNumber }) else {
            process.terminate()
            throw ServeError.noPort(text + String(decoding: stderr.fileHandleForReading.availableData, as: UTF8.self))
        }
        self.port = port
    }

    enum ServeError: Error { case noPort(String) }

    var base: String { "http://127.0.0.1:\(port)" }

    /// A real HTTP request with curl; returns status and body.
    func request(_ path: String, method: String = "GET", headers: [String] = [], body: String? = nil) throws -> (status: Int, body: String) {
        var arguments = ["--noproxy", "*", "-s", "-X", method, "-w", "\n%{http_code}"]
        for header in headers { arguments += ["-H", header] }
        if let body { arguments += ["-H", "Content-Type: application/json", "--data-binary", body] }
        let result = try ExternalCommand.run("curl", arguments + [base + path])
        let text = result.stdout
        guard let newline = text.lastIndex(of: "\n") else { return (0, text) }
        return (Int(text[text.index(after: newline)...]) ?? 0, String(text[..<newline]))
    }

    /// SIGTERM, then the exit status (waits for the process to end).
    func terminate() -> Int32 {
        process.terminate()
        process.waitUntilExit()
        return process.terminationStatus
    }

    var errorOutput: String { String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self) }

    deinit { if process.isRunning { process.terminate() } }
}
