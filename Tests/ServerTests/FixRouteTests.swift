@testable import Server
import Testing

/// The fix route's pieces without a server: who may call it, how a JSON
/// body becomes `memsleuth fix` arguments, and how the command's outcome
/// becomes an HTTP status.
@Suite struct FixAuthorizationTests {
    static let token = "0123456789abcdef-secret"

    @Test func forbiddenWithoutAllowFixOrToken() {
        for (allow, token) in [(false, Self.token), (true, nil), (true, ""), (false, nil)] as [(Bool, String?)] {
            guard case .forbidden(let reason) = FixAuthorization.check("Bearer \(Self.token)", allowFix: allow, token: token) else {
                Issue.record("allowed with allowFix \(allow), token \(String(describing: token))")
                continue
            }
            #expect(reason.contains("--allow-fix"))
        }
    }

    @Test func needsTheExactBearerToken() {
        let check = { (header: String?) in FixAuthorization.check(header, allowFix: true, token: Self.token) }
        #expect(check("Bearer \(Self.token)") == .allowed)
        #expect(check(nil) != .allowed)
        #expect(check(Self.token) != .allowed, "no Bearer scheme")
        #expect(check("bearer \(Self.token)") != .allowed)
        #expect(check("Basic \(Self.token)") != .allowed)
        #expect(check("Bearer \(Self.token)x") == .forbidden("wrong bearer token"))
        #expect(check("Bearer \(Self.token.dropLast())") == .forbidden("wrong bearer token"))
        #expect(check("Bearer ") == .forbidden("wrong bearer token"))
        #expect(check("Bearer 0123456789abcdef-secreT") == .forbidden("wrong bearer token"))
    }
}

@Suite struct SinceArgumentTests {
    static let now = 1_700_000_000.0

    @Test(arguments: [("90s", 90.0), ("30m", 1800), ("6h", 21600), ("2d", 172_800), ("500ms", 0.5), ("0s", 0), ("-6h", 21600)])
    func durationsCountBackFromNow(_ text: String, _ seconds: Double) {
        #expect(SinceArgument.start(text, now: Self.now) == Self.now - seconds)
    }

    @Test func rfc3339Times() {
        #expect(SinceArgument.start("2023-11-14T22:13:20Z", now: Self.now) == 1_700_000_000)
        #expect(SinceArgument.start("2023-11-14T23:13:20+01:00", now: Self.now) == 1_700_000_000)
    }

    @Test(arguments: ["", "h", "6", "6x", "6.5h", "1e3s", "six hours", "2023-13-40T00:00:00Z", "٣h"])
    func refused(_ text: String) {
        #expect(SinceArgument.start(text, now: Self.now) == nil, "\(text)")
    }
}

@Suite struct FixRouteArgumentTests {
    static func parse(_ action: String, _ body: String, source: ServeConfiguration.Source = .root("/")) -> FixRoute.Parsed {
        FixRoute.arguments(action: action, body: body, source: source)
    }

    @Test func dryRunUnlessApplyIsTrue() {
        #expect(Self.parse("drop-caches", "") == .run(arguments: ["fix", "drop-caches", "--json"], apply: false))
        #expect(Self.parse("drop-caches", "{}") == .run(arguments: ["fix", "drop-caches", "--json"], apply: false))
        #expect(Self.parse("drop-caches", #"{"level": 2, "apply": false}"#)
                == .run(arguments: ["fix", "drop-caches", "--level", "2", "--json"], apply: false))
        #expect(Self.parse("drop-caches", #"{"level": 3, "force": true, "apply": true}"#)
                == .run(arguments: ["fix", "drop-caches", "--level", "3", "--force", "--apply", "--json"], apply: true))
        #expect(Self.parse("drop-caches", #"{"force": false}"#) == .run(arguments: ["fix", "drop-caches", "--json"], apply: false))
    }

    @Test func sysctlActions() {
        #expect(Self.parse("cache-pressure", #"{"value": 200, "persist": true, "apply": true}"#)
                == .run(arguments: ["fix", "cache-pressure", "200", "--persist", "--apply", "--json"], apply: true))
        #expect(Self.parse("negative-dentries", #"{"value": 1}"#)
                == .run(arguments: ["fix", "negative-dentries", "--value", "1", "--json"], apply: false))
    }

    @Test func theServersSourceIsPassedOn() {
        #expect(Self.parse("drop-caches", "{}", source: .bundle(path: "/b.tar.gz", replay: true, speed: 2))
                == .run(arguments: ["fix", "drop-caches", "--bundle", "/b.tar.gz", "--json"], apply: false))
        #expect(Self.parse("drop-caches", "{}", source: .root("/srv/tree"))
                == .run(arguments: ["fix", "drop-caches", "--root", "/srv/tree", "--json"], apply: false))
    }

    /// As the CLI: never applied to a bundle or a tree, only to the running host.
    @Test func applyOnABundleOrRootIsAConflict() {
        guard case .problem(409, let message) = Self.parse("drop-caches", #"{"apply": true}"#, source: .bundle(path: "/b", replay: false, speed: 1)) else {
            Issue.record("apply on a bundle not refused")
            return
        }
        #expect(message.contains("--bundle /b"))
        guard case .problem(409, _) = Self.parse("cache-pressure", #"{"value": 200, "apply": true}"#, source: .root("/srv/tree")) else {
            Issue.record("apply on a --root not refused")
            return
        }
    }

    @Test(arguments: [
        ("nss-env", "{}", 404), ("drop-caches/../x", "{}", 404), ("", "{}", 404),
        ("drop-caches", "[]", 400), ("drop-caches", "{", 400), ("drop-caches", #"{"aply": true}"#, 400),
        ("drop-caches", #"{"apply": "yes"}"#, 400), ("drop-caches", #"{"level": "2"}"#, 400),
        ("drop-caches", #"{"level": 2.5}"#, 400), ("drop-caches", #"{"level": -1}"#, 400),
        ("drop-caches", #"{"level": 2, "root": "/"}"#, 400), ("cache-pressure", "{}", 400),
        ("cache-pressure", #"{"value": 1e12}"#, 400), ("negative-dentries", #"{"level": 1}"#, 400),
    ])
    func refusedBodies(_ action: String, _ body: String, _ status: Int) {
        guard case .problem(let got, _) = Self.parse(action, body) else {
            Issue.record("\(action) \(body) accepted")
            return
        }
        #expect(got == status, "\(action) \(body)")
    }

    @Test func outcomes() {
        #expect(FixRoute.response(("{\"ok\": 1}\n", "", 0), action: "drop-caches") == (200, "{\"ok\": 1}\n"))
        let refused = FixRoute.response(("", "memsleuth: --apply needs root (run it with sudo)\n", 1), action: "drop-caches")
        #expect(refused.status == 409)
        #expect(refused.json.contains("\"error\": \"--apply needs root (run it with sudo)\""))
        #expect(FixRoute.response(("", "Error: --level must be 1, 2 or 3, not 7\nUsage: …\n", 64), action: "drop-caches").status == 400)
        let unlogged = FixRoute.response(("{\"freed\": 1}\n", "memsleuth: the action was applied but not logged: …\n", 1), action: "drop-caches")
        #expect(unlogged.status == 500)
        #expect(unlogged.json.contains("\"result\""))
    }
}
