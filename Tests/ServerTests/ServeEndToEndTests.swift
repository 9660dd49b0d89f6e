import Foundation
import Testing
import TestSupport

/// `memsleuth serve` as a user runs it: the real binary on a loopback
/// port, real HTTP requests (curl), real promtool and a real browser.
@Suite(.serialized) struct ServeEndToEndTests {
    static let incident = Fixtures.directory + "/incidents/dentry-leak-rhel6"

    @Test func metricsOnTheLiveHostPassPromtool() throws {
        let server = try ServeProcess([])
        let metrics = try server.request("/metrics")
        #expect(metrics.status == 200)
        for family in ["memsleuth_meminfo_bytes", "memsleuth_memory_used_slab_counted_ratio", "memsleuth_source_up",
                       "memsleuth_scrape_duration_seconds", "memsleuth_verdict_severity", "memsleuth_dentries"] {
            #expect(metrics.body.contains("# HELP \(family) "), "\(family) missing")
        }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("serve-live-\(UUID().uuidString).prom").path
        try metrics.body.write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let lint = try ExternalCommand.run("sh", ["-c", "promtool check metrics < '\(file)'"])
        #expect(lint.exitCode == 0, "\(lint.stdout)\(lint.stderr)")
        let openMetrics = try server.request("/metrics", headers: ["Accept: application/openmetrics-text; version=1.0.0"])
        #expect(openMetrics.body.hasSuffix("# EOF\n") || openMetrics.body.hasSuffix("# EOF"))
        #expect(server.terminate() == 0)
    }

    @Test func apiRoutesOnTheIncidentBundle() throws {
        let server = try ServeProcess(["--bundle", Self.incident])
        let findings = try server.request("/api/v1/findings")
        #expect(findings.status == 200)
        #expect(findings.body.contains("\"verdict\": \"CRITICAL\""))
        #expect(findings.body.contains("nss.sdb-probe"))
        let snapshot = try server.request("/api/v1/snapshot")
        #expect(snapshot.body.contains("\"format\": \"memsleuth-snapshot/1\""))
        let series = try server.request("/api/v1/series?name=meminfo.Slab&since=1h")
        #expect(series.status == 200)
        #expect(series.body.contains("\"series\": \"meminfo.Slab\""))
        #expect(try server.request("/api/v1/series?name=nonsense").status == 400)
        let metrics = try server.request("/metrics")
        #expect(metrics.body.contains("memsleuth_finding{rule=\"nss.sdb-probe\",severity=\"CRITICAL\"} 1"))
        #expect(metrics.body.contains("memsleuth_verdict_severity 3"))
        #expect(server.terminate() == 0)
    }

    /// Without --allow-fix and a token every mutating route is 403; with
    /// both, a wrong token is 403 and the right one reaches `memsleuth fix`:
    /// a dry run on the bundle answers 200, applying to a bundle 409, an
    /// unknown action 404, a bad body 400.
    @Test func mutatingRoutesAreForbidden() throws {
        let server = try ServeProcess(["--bundle", Self.incident])
        #expect(try server.request("/api/v1/fix/drop-caches", method: "POST").status == 403)
        #expect(try server.request("/api/v1/fix/drop-caches", method: "POST", headers: ["Authorization: Bearer x"]).status == 403)
        #expect(server.terminate() == 0)

        let tokenFile = FileManager.default.temporaryDirectory.appendingPathComponent("serve-token-\(UUID().uuidString)").path
        let token = "0123456789abcdef-secret"
        try token.write(toFile: tokenFile, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: tokenFile) }
        let fixing = try ServeProcess(["--bundle", Self.incident, "--allow-fix", "--token-file", tokenFile])
        let bearer = ["Authorization: Bearer \(token)"]
        #expect(try fixing.request("/api/v1/fix/drop-caches", method: "POST").status == 403)
        #expect(try fixing.request("/api/v1/fix/drop-caches", method: "POST", headers: ["Authorization: Bearer wrong-token-000000"]).status == 403)
        let dryRun = try fixing.request("/api/v1/fix/drop-caches", method: "POST", headers: bearer, body: #"{"level": 2}"#)
        #expect(dryRun.status == 200, "\(dryRun.body)")
        #expect(dryRun.body.contains("\"level\": 2"))
        let applied = try fixing.request("/api/v1/fix/drop-caches", method: "POST", headers: bearer, body: #"{"apply": true}"#)
        #expect(applied.status == 409)
        #expect(applied.body.contains("running host only"))
        #expect(try fixing.request("/api/v1/fix/nss-env", method: "POST", headers: bearer, body: "{}").status == 404)
        #expect(try fixing.request("/api/v1/fix/drop-caches", method: "POST", headers: bearer, body: #"{"aply": true}"#).status == 400)
        #expect(fixing.terminate() == 0)
        #expect(fixing.errorOutput.contains("fix dry run"))
    }

    /// As root on the live host: the route applies drop-caches level 2 and
    /// the action log (MEMSLEUTH_STATE_DIR) holds the record, as `memsleuth
    /// fix drop-caches --apply` would; a second drop within 10 minutes is
    /// refused (409) by the command's own guard.
    @Test(.enabled(if: getuid() == 0)) func fixAppliesOnTheLiveHostAndLogs() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("serve-fix-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let token = "0123456789abcdef-secret"
        try token.write(toFile: directory + "/token", atomically: true, encoding: .utf8)
        let server = try ServeProcess(["--allow-fix", "--token-file", directory + "/token"],
                                      environment: ["MEMSLEUTH_STATE_DIR": directory + "/state"])
        let bearer = ["Authorization: Bearer \(token)"]
        let plan = try server.request("/api/v1/fix/cache-pressure", method: "POST", headers: bearer, body: #"{"value": 200}"#)
        #expect(plan.status == 200, "\(plan.body)")
        #expect(plan.body.contains("vm.vfs_cache_pressure"))
        #expect(!FileManager.default.fileExists(atPath: directory + "/state/actions.jsonl"), "a dry run logs nothing")
        let applied = try server.request("/api/v1/fix/drop-caches", method: "POST", headers: bearer, body: #"{"level": 2, "apply": true}"#)
        #expect(applied.status == 200, "\(applied.body)")
        #expect(applied.body.contains("\"freed\""))
        let log = try String(contentsOfFile: directory + "/state/actions.jsonl", encoding: .utf8)
        #expect(log.contains("\"action\": \"drop-caches\"") || log.contains("\"action\":\"drop-caches\""), "\(log)")
        let again = try server.request("/api/v1/fix/drop-caches", method: "POST", headers: bearer, body: #"{"level": 2, "apply": true}"#)
        #expect(again.status == 409, "\(again.body)")
        #expect(server.terminate() == 0)
        #expect(server.errorOutput.contains("fix applied"))
    }

    /// SIGTERM: the server stops accepting, logs, and exits 0.
    @Test func gracefulShutdownOnSigterm() throws {
        let server = try ServeProcess(["--bundle", Self.incident])
        #expect(try server.request("/metrics").status == 200)
        #expect(server.terminate() == 0)
        #expect(server.errorOutput.contains("stopped"))
    }

    /// The page in a real browser: screenshot saved, DOM holds the charts
    /// (svg) and the findings.
    @Test(.enabled(if: ExternalCommand.exists("chromium"))) func pageInHeadlessChromium() throws {
        let server = try ServeProcess(["--bundle", Self.incident])
        defer { _ = server.terminate() }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("serve-page-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let flags = ["--headless", "--no-sandbox", "--disable-gpu", "--no-proxy-server", "--user-data-dir=\(directory)/profile",
                     "--window-size=1280,1800"]
        let shot = try ExternalCommand.run("chromium", flags + ["--screenshot=\(directory)/page.png", server.base + "/"])
        #expect(FileManager.default.fileExists(atPath: directory + "/page.png"), "\(shot.stderr)")
        let dom = try ExternalCommand.run("chromium", flags + ["--dump-dom", server.base + "/"]).stdout
        #expect(dom.components(separatedBy: "<svg class=\"chart\"").count - 1 >= 2, "stacked and dentry charts")
        #expect(dom.contains("<path class=\"area\""))
        #expect(dom.contains("data-rule=\"nss.sdb-probe\""))
        #expect(dom.contains("data-rule=\"slab.dentry.dominant\""))
        #expect(dom.contains("id=\"processes\""))
    }
}
