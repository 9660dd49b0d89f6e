#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
import TestSupport

/// A raw TCP client for requests curl will not send: bytes out, whatever
/// comes back until the server closes or `timeout` seconds of silence.
struct RawClient {
    let fd: Int32

    init(port: Int, timeout: Int = 5) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { close(fd); throw POSIXError(.ECONNREFUSED) }
        var time = timeval(tv_sec: timeout, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Sends all it can; false once the server closed (EPIPE/ECONNRESET).
    @discardableResult
    func send(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return false }
            offset += n
        }
        return true
    }

    func send(_ text: String) -> Bool { send(Array(text.utf8)) }

    /// What the server answered: the status of the first response line (0:
    /// none — it closed, or said nothing within the timeout) and the text.
    func receive() -> (status: Int, text: String, closed: Bool) {
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        var closed = false
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n == 0 { closed = true; break }
            if n < 0 { closed = errno == ECONNRESET; break }
            data += buffer[0..<n]
        }
        let text = String(decoding: data, as: UTF8.self)
        var status = 0
        if text.hasPrefix("HTTP/1."), let code = Int(text.dropFirst(9).prefix(3)) { status = code }
        return (status, text, closed)
    }

    func shut() { close(fd) }
}

/// Hostile and broken clients against the real `memsleuth serve`: each gets
/// a 4xx or a closed connection, never a crash, and the server answers a
/// normal scrape afterwards.
@Suite(.serialized) struct ServeHostileClientTests {
    static let incident = Fixtures.directory + "/incidents/dentry-leak-rhel6"

    /// Sends `request`, returns the answer, and checks the server still serves.
    func exchange(_ server: ServeProcess, _ request: [UInt8], _ label: String) throws -> (status: Int, text: String, closed: Bool) {
        let client = try RawClient(port: server.port)
        client.send(request)
        let answer = client.receive()
        client.shut()
        #expect(server.process.isRunning, "\(label): the server died")
        let metrics = try server.request("/metrics")
        #expect(metrics.status == 200, "\(label): the server no longer answers /metrics")
        return answer
    }

    func expectRefused(_ answer: (status: Int, text: String, closed: Bool), _ label: String) {
        #expect((400..<500).contains(answer.status) || (answer.status == 0 && answer.closed),
                "\(label): \(answer.status) \(answer.text.prefix(200))")
    }

    static let malformed: [(String, String)] = [
        ("garbage request line", "GARBAGE\r\n\r\n"),
        ("binary", String(decoding: (0..<200).map { UInt8(($0 * 37) & 0xff) }, as: UTF8.self) + "\r\n\r\n"),
        ("unknown HTTP version", "GET /metrics HTTP/9.9\r\nHost: x\r\n\r\n"),
        ("no path", "GET  HTTP/1.1\r\nHost: x\r\n\r\n"),
        ("header without colon", "GET /metrics HTTP/1.1\r\nHost x\r\n\r\n"),
        ("negative content-length", "POST /api/v1/fix/drop-caches HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n"),
        ("two content-lengths", "POST /api/v1/fix/drop-caches HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 5\r\n\r\nab"),
        ("content-length and chunked", "POST /api/v1/fix/x HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"),
        ("bad chunk size", "POST /api/v1/fix/x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffffff\r\nab\r\n"),
        ("NUL in the path", "GET /met\u{0}rics HTTP/1.1\r\nHost: x\r\n\r\n"),
        ("CR alone", "GET /metrics HTTP/1.1\rHost: x\r\r"),
    ]

    @Test func malformedRequestsAreRefused() throws {
        let server = try ServeProcess(["--bundle", Self.incident])
        for (label, request) in Self.malformed {
            expectRefused(try exchange(server, Array(request.utf8), label), label)
        }
        #expect(server.terminate() == 0)
    }

    @Test func hugeHeadersAndBodiesAreRefused() throws {
        let tokenFile = NSTemporaryDirectory() + "memsleuth-token-\(UUID().uuidString)"
        try "secret-token-of-32-characters-xx\n".write(toFile: tokenFile, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: tokenFile) }
        let server = try ServeProcess(["--bundle", Self.incident, "--allow-fix", "--token-file", tokenFile])
        let bigHeader = "GET /metrics HTTP/1.1\r\nHost: x\r\nX-Big: " + String(repeating: "a", count: 1 << 20) + "\r\n\r\n"
        expectRefused(try exchange(server, Array(bigHeader.utf8), "1 MiB header"), "1 MiB header")
        let manyHeaders = "GET /metrics HTTP/1.1\r\nHost: x\r\n" + (0..<20_000).map { "X-\($0): y\r\n" }.joined() + "\r\n"
        expectRefused(try exchange(server, Array(manyHeaders.utf8), "20000 headers"), "20000 headers")
        let longPath = "GET /" + String(repeating: "a/", count: 500_000) + " HTTP/1.1\r\nHost: x\r\n\r\n"
        expectRefused(try exchange(server, Array(longPath.utf8), "1 MB path"), "1 MB path")
        // A body far beyond what the fix route reads (64 KiB), authorized and not.
        for auth in ["", "Authorization: Bearer secret-token-of-32-characters-xx\r\n"] {
            let body = [UInt8](repeating: 0x41, count: 8 << 20)
            let head = "POST /api/v1/fix/drop-caches HTTP/1.1\r\nHost: x\r\n\(auth)Content-Length: \(body.count)\r\n\r\n"
            expectRefused(try exchange(server, Array(head.utf8) + body, "8 MiB body \(auth)"), "8 MiB body \(auth)")
            let claimed = "POST /api/v1/fix/drop-caches HTTP/1.1\r\nHost: x\r\n\(auth)Content-Length: 1000000000000\r\n\r\nabc"
            expectRefused(try exchange(server, Array(claimed.utf8), "1 TB claimed \(auth)"), "1 TB claimed \(auth)")
        }
        #expect(server.terminate() == 0)
    }

    @Test func pathTraversalFindsNothing() throws {
        let server = try ServeProcess(["--bundle", Self.incident])
        for path in ["/../../../../etc/passwd", "/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2f..%2fetc%2fpasswd",
                     "//etc/passwd", "/api/v1/../../../etc/passwd", "/dashboard/../../etc/shadow",
                     "/api/v1/series?name=../../../../etc/passwd", "/%00", "/api/v1/snapshot/..%00/x", "/.%2e/.%2e/proc/self/environ"] {
            let answer = try exchange(server, Array("GET \(path) HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".utf8), path)
            #expect(!answer.text.contains("root:") && !answer.text.contains("PATH="), "\(path) leaked a file")
            expectRefused(answer, path)
        }
        #expect(server.terminate() == 0)
    }

    /// Slowloris: 64 connections trickling a request one byte at a time do
    /// not keep a normal client from being served, and do not crash it.
    @Test func slowClientsDoNotStarveOthers() throws {
        let server = try ServeProcess(["--bundle", Self.incident])
        var slow: [RawClient] = []
        for _ in 0..<64 { slow.append(try RawClient(port: server.port, timeout: 1)) }
        let request = Array("GET /metrics HTTP/1.1\r\nHost: x\r\nX-Slow: ".utf8)
        for (index, byte) in request.enumerated() {
            for client in slow { client.send([byte]) }
            if index % 8 == 0 {
                let metrics = try server.request("/metrics")
                #expect(metrics.status == 200, "a normal scrape failed while 64 clients trickled")
            }
            usleep(20_000)
        }
        for client in slow { client.shut() }
        #expect(server.process.isRunning)
        #expect(try server.request("/metrics").status == 200)
        #expect(server.terminate() == 0)
    }
}
