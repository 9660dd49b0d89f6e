import Foundation
import KernelFiles
@testable import MemoryModel
import Testing
import TestSupport

/// The manifest reader (a small JSON parser of our own: no Foundation on the
/// view path), the RFC 3339 times in it, and `BundleReader` over fixture trees.
@Suite struct BundleManifestTests {
    static func parse(_ text: String) throws(BundleManifest.Problem) -> BundleManifest {
        let bytes = Array(text.utf8)
        return try bytes.withUnsafeBytes { raw in Result { () throws(BundleManifest.Problem) in
            try BundleManifest.parse(raw, path: "/b/manifest.json")
        } }.get()
    }

    @Test func renderedManifestParsesBackToItself() throws {
        let manifest = BundleManifest(
            host: "db-7 \"east\"\n", kernel: "6.18.44", pageSize: 16384, environ: "allow-list: NSS_SDB_USE_CACHE",
            samples: [
                .init(time: WallTime(rfc3339: "2026-11-25T08:17:56.123Z"), dir: "samples/0000", files: 1834),
                .init(time: WallTime(rfc3339: "2026-11-25T08:18:06.125Z"), dir: "samples/0001", files: 1801),
            ],
            skipped: [.init(path: "samples/0000/proc/1/smaps_rollup", reason: "permission denied")])
        let parsed = try Self.parse(manifest.rendered())
        #expect(parsed.host == manifest.host && parsed.kernel == manifest.kernel && parsed.pageSize == 16384)
        #expect(parsed.samples.map(\.dir) == ["samples/0000", "samples/0001"])
        #expect(parsed.samples.map(\.time) == manifest.samples.map(\.time))
        #expect(parsed.samples.map(\.files) == [1834, 1801])
        #expect(parsed.skipped == manifest.skipped && parsed.environ == manifest.environ)
        // The page-size scan the one-shot views use finds it too.
        let reparsed = Array(manifest.rendered().utf8)
        #expect(reparsed.withUnsafeBytes { (try? JSONParser.parse(Array($0)))?.member("page_size")?.unsigned } == 16384)
    }

    /// Each garbled manifest gives a Problem naming the file and what is wrong.
    static let garbled: [(text: String, reason: String)] = [
        ("", "not valid JSON at byte 0"),                                           // empty
        ("{\"format\": \"memsleuth-bundle/1\", \"samples\": [", "not valid JSON"),   // truncated
        ("\u{00}\u{FF}garbage", "not valid JSON"),                                  // binary
        ("[1, 2]", "not a JSON object"),
        ("{\"samples\": [{\"time\": null, \"dir\": \".\"}]}", "no \"format\""),
        ("{\"format\": \"memsleuth-bundle/9\", \"samples\": []}", "is not supported"),
        ("{\"format\": \"memsleuth-bundle/1\", \"samples\": []}", "no \"samples\""),
        ("{\"format\": \"memsleuth-bundle/1\", \"samples\": [{\"time\": \"yesterday\", \"dir\": \"s\"}]}", "RFC 3339"),
        ("{\"format\": \"memsleuth-bundle/1\", \"samples\": [{\"time\": null, \"dir\": \"../../etc\"}]}", "inside the bundle"),
        ("{\"format\": \"memsleuth-bundle/1\", \"samples\": [{\"time\": null, \"dir\": \"/etc\"}]}", "inside the bundle"),
        ("{\"format\": \"memsleuth-bundle/1\", \"samples\": [{\"time\": null, \"dir\": \"s\"}]} x", "end of document"),
        (String(repeating: "[", count: 10_000), "nesting shallower than"),                // no stack exhaustion
        ("{\"format\": \"memsleuth-bundle/1\\u12\"}", "a hex digit"),
    ]

    @Test(arguments: garbled.indices)
    func garbledManifestNamesFileAndCause(_ index: Int) {
        let (text, reason) = Self.garbled[index]
        do {
            _ = try Self.parse(text)
            Issue.record("accepted: \(text.prefix(60))")
        } catch {
            #expect(error.description.hasPrefix("/b/manifest.json: "))
            #expect(error.reason.contains(reason), "\(error.reason)")
        }
    }

    @Test func stringEscapesAndUnicode() throws {
        let text = #"{"format": "memsleuth-bundle/1", "host": "h\u00e9\ud83d\ude00\n\/", "samples": [{"time": null, "dir": "."}]}"#
        #expect(try Self.parse(text).host == "hé😀\n/")
    }

    /// RFC 3339 as written by `WallTime.rfc3339`, with offsets and precision.
    @Test func rfc3339Times() throws {
        let base = try #require(WallTime(rfc3339: "2026-11-25T08:17:56Z"))
        #expect(base.seconds == 1_795_594_676 && base.nanoseconds == 0)
        #expect(WallTime(rfc3339: "2026-11-25T08:17:56.123Z")?.nanoseconds == 123_000_000)
        #expect(WallTime(rfc3339: "2026-11-25T10:17:56+02:00")?.seconds == base.seconds)
        #expect(WallTime(rfc3339: "2026-11-25T03:17:56.5-05:00")?.seconds == base.seconds)
        #expect(WallTime(rfc3339: "2026-11-25 08:17:56.000000001Z")?.nanoseconds == 1)
        let now = WallTime.now()
        let back = try #require(WallTime(rfc3339: now.rfc3339))
        #expect(back.seconds == now.seconds && back.nanoseconds == now.nanoseconds / 1_000_000 * 1_000_000)
        for bad in ["", "2026-11-25", "2026-11-25T08:17:56", "2026-13-25T08:17:56Z", "2026-11-25T08:17:56.Z",
                    "2026-11-25T08:17:56Zjunk", "2026-11-25T24:00:00Z", "x026-11-25T08:17:56Z"] {
            #expect(WallTime(rfc3339: bad) == nil, "\(bad)")
        }
    }

    /// Every fixture tree opens as a bundle: its manifest (`"dir": "."`,
    /// `"time": null` when unknown) gives one sample, the tree itself.
    @Test(arguments: Fixtures.kernelNames)
    func fixtureTreesAreOneSampleBundles(_ kernel: String) throws {
        let reader = try BundleReader(directory: Fixtures.kernelPath(kernel))
        #expect(reader.samples.count == 1)
        #expect(reader.latest.root.exists("proc"))
        let snapshots = reader.snapshots(includeProcesses: false, includeCgroups: false)
        #expect(snapshots.count == 1 && snapshots.first?.meminfo != nil)
    }

    @Test func aTreeWithoutManifestIsOneSample() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bundle-tree-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory + "/proc", withIntermediateDirectories: true)
        let meminfo = try String(contentsOfFile: Fixtures.kernelPath("linux-6.18-sandbox") + "/proc/meminfo", encoding: .utf8)
        try meminfo.write(toFile: directory + "/proc/meminfo", atomically: false, encoding: .utf8)
        let reader = try BundleReader(directory: directory)
        #expect(reader.manifest == nil && reader.samples.count == 1 && reader.latest.time == nil)
        #expect(reader.snapshots(includeProcesses: false, includeCgroups: false).first?.meminfo != nil)
    }

    @Test func aDirectoryThatIsNoBundleNamesTheManifest() {
        #expect {
            _ = try BundleReader(directory: Fixtures.directory + "/malformed")
        } throws: { error in
            "\(error)".contains("/malformed/manifest.json: no such file") && "\(error)".contains("not a bundle")
        }
    }
}
