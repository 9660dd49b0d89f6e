#if canImport(Glibc)
import Glibc
#endif
import KernelFiles

/// A bundle's `manifest.json` (ARCHITECTURE.md, "The bundle format"):
///
///     {"format": "memsleuth-bundle/1", "host": "db-7", "kernel": "6.18.44",
///      "page_size": 4096, "environ": "allow-list: NSS_SDB_USE_CACHE",
///      "samples": [{"time": "2026-11-25T08:17:56.123Z", "dir": "samples/0000", "files": 1834}],
///      "skipped": [{"path": "samples/0000/proc/1/smaps_rollup", "reason": "permission denied"}]}
///
/// `format`, and in each sample `time` and `dir`, are required; the rest is
/// informative (`page_size` is read by `HostPageSize` through the views).
public struct BundleManifest: Sendable, Equatable {
    public static let format = "memsleuth-bundle/1"

    public struct Sample: Sendable, Equatable {
        /// nil when the manifest says `null` (a hand-written fixture tree).
        public var time: WallTime?
        /// Relative to the bundle, e.g. `samples/0000`.
        public var dir: String
        /// Files written for the sample (informative).
        public var files: Int?

        public init(time: WallTime?, dir: String, files: Int? = nil) {
            self.time = time
            self.dir = dir
            self.files = files
        }
    }

    public struct Skipped: Sendable, Equatable {
        /// Relative to the bundle, e.g. `samples/0000/proc/1/smaps_rollup`.
        public var path: String
        public var reason: String

        public init(path: String, reason: String) {
            self.path = path
            self.reason = reason
        }
    }

    public var host: String?
    public var kernel: String?
    public var pageSize: UInt64?
    /// What of `/proc/PID/environ` was kept (never the whole of it: it holds secrets).
    public var environ: String?
    public var samples: [Sample]
    public var skipped: [Skipped]

    public init(host: String?, kernel: String?, pageSize: UInt64?, environ: String? = nil,
                samples: [Sample], skipped: [Skipped] = []) {
        self.host = host
        self.kernel = kernel
        self.pageSize = pageSize
        self.environ = environ
        self.samples = samples
        self.skipped = skipped
    }

    /// Why a manifest could not be used; `description` is one line naming the file.
    public struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
        public let path: String
        public let reason: String
        public var description: String { "\(path): \(reason)" }
    }

    /// Parses a manifest; `path` only names the file in errors.
    public static func parse(_ bytes: UnsafeRawBufferPointer, path: String) throws(Problem) -> BundleManifest {
        let document: JSONNode
        do { document = try JSONParser.parse(Array(bytes)) } catch {
            throw Problem(path: path, reason: "not valid JSON at byte \(error.offset) (expected \(error.expected))")
        }
        guard case .object = document else { throw Problem(path: path, reason: "not a JSON object") }
        guard let format = document.member("format")?.stringValue else {
            throw Problem(path: path, reason: "no \"format\" (expected \"\(Self.format)\")")
        }
        guard format == Self.format else {
            throw Problem(path: path, reason: "format \"\(format)\" is not supported (this memsleuth reads \"\(Self.format)\")")
        }
        guard let entries = document.member("samples")?.arrayValue, !entries.isEmpty else {
            throw Problem(path: path, reason: "no \"samples\" (expected a non-empty array)")
        }
        var samples: [Sample] = []
        for (number, entry) in entries.enumerated() {
            let time: WallTime?
            switch entry.member("time") {
            case .null?: time = nil
            case .string(let text)? where WallTime(rfc3339: text) != nil: time = WallTime(rfc3339: text)
            default: throw Problem(path: path, reason: "samples[\(number)] has no RFC 3339 \"time\"")
            }
            guard let dir = entry.member("dir")?.stringValue, isSafeRelative(dir) else {
                throw Problem(path: path, reason: "samples[\(number)] has no \"dir\" inside the bundle")
            }
            samples.append(Sample(time: time, dir: dir, files: entry.member("files")?.unsigned.flatMap { Int(exactly: $0) }))
        }
        var skipped: [Skipped] = []
        for item in document.member("skipped")?.arrayValue ?? [] {
            if let path = item.member("path")?.stringValue {
                skipped.append(Skipped(path: path, reason: item.member("reason")?.stringValue ?? ""))
            }
        }
        return BundleManifest(
            host: document.member("host")?.stringValue, kernel: document.member("kernel")?.stringValue,
            pageSize: document.member("page_size")?.unsigned, environ: document.member("environ")?.stringValue,
            samples: samples, skipped: skipped)
    }

    /// A relative path that stays inside the bundle: no leading `/`, no `..`.
    static func isSafeRelative(_ path: String) -> Bool {
        !path.isEmpty && !path.hasPrefix("/") && !path.split(separator: "/").contains("..")
    }

    /// The manifest as JSON, one sample and one skipped file per line.
    public func rendered() -> String {
        func optional(_ text: String?) -> String { text.map(JSONString.quoted) ?? "null" }
        var out = "{\n  \"format\": \(JSONString.quoted(Self.format)),\n"
        out += "  \"host\": \(optional(host)),\n  \"kernel\": \(optional(kernel)),\n"
        out += "  \"page_size\": \(pageSize.map(String.init) ?? "null"),\n"
        if let environ { out += "  \"environ\": \(JSONString.quoted(environ)),\n" }
        out += "  \"samples\": ["
        out += samples.map { sample in
            "\n    {\"time\": \(sample.time.map { JSONString.quoted($0.rfc3339) } ?? "null"), \"dir\": \(JSONString.quoted(sample.dir))"
                + (sample.files.map { ", \"files\": \($0)" } ?? "") + "}"
        }.joined(separator: ",")
        out += "\n  ],\n  \"skipped\": ["
        out += skipped.map { "\n    {\"path\": \(JSONString.quoted($0.path)), \"reason\": \(JSONString.quoted($0.reason))}" }
            .joined(separator: ",")
        out += skipped.isEmpty ? "]\n}\n" : "\n  ]\n}\n"
        return out
    }
}

extension WallTime {
    /// Parses RFC 3339 (`2026-11-25T08:17:56.123Z`, `…+02:00`, a space for
    /// `T`); nil otherwise. The monotonic reading is the wall time itself:
    /// samples of a bundle come from another host's clock, so the wall
    /// clock is all there is to compute rates with.
    public init?(rfc3339 text: String) {
        let bytes = Array(text.utf8)
        func number(_ start: Int, _ count: Int) -> Int? {
            guard start >= 0, start + count <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[start..<(start + count)] {
                guard byte &- UInt8(ascii: "0") < 10 else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        func byte(_ at: Int) -> UInt8? { at < bytes.count ? bytes[at] : nil }
        guard let year = number(0, 4), byte(4) == UInt8(ascii: "-"), let month = number(5, 2),
              byte(7) == UInt8(ascii: "-"), let day = number(8, 2),
              byte(10) == UInt8(ascii: "T") || byte(10) == UInt8(ascii: "t") || byte(10) == UInt8(ascii: " "),
              let hour = number(11, 2), byte(13) == UInt8(ascii: ":"), let minute = number(14, 2),
              byte(16) == UInt8(ascii: ":"), let second = number(17, 2),
              (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second <= 60
        else { return nil }
        var index = 19
        var nanoseconds: Int64 = 0
        if byte(index) == UInt8(ascii: ".") {
            index += 1
            var digits = 0
            while let digit = byte(index), digit &- UInt8(ascii: "0") < 10 {
                if digits < 9 { nanoseconds = nanoseconds * 10 + Int64(digit - UInt8(ascii: "0")) }
                digits += 1
                index += 1
            }
            guard digits > 0 else { return nil }
            for _ in digits..<max(digits, 9) { nanoseconds *= 10 }
        }
        var offset = 0
        switch byte(index) {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            index += 1
        case let sign? where sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-"):
            guard let hours = number(index + 1, 2), byte(index + 3) == UInt8(ascii: ":"),
                  let minutes = number(index + 4, 2) else { return nil }
            offset = (hours * 60 + minutes) * 60 * (sign == UInt8(ascii: "-") ? -1 : 1)
            index += 6
        default: return nil
        }
        guard index == bytes.count else { return nil }
        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month - 1)
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour)
        parts.tm_min = Int32(minute)
        parts.tm_sec = Int32(second)
        let seconds = Int64(timegm(&parts)) - Int64(offset)
        self.init(seconds: seconds, nanoseconds: nanoseconds,
                  monotonic: Double(seconds) + Double(nanoseconds) / 1e9)
    }
}

extension JSONNode {
    /// A whole number that fits in 64 bits unsigned; nil for anything else
    /// (a manifest's page size and file counts).
    var unsigned: UInt64? {
        guard case .number(let value) = self, value >= 0, value < 1.8e19, value == value.rounded(.towardZero) else { return nil }
        return UInt64(value)
    }
}
