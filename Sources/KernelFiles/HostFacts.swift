/// Facts about the host a root describes that no memory file states
/// outright: kernel release and host name. The page size is a host fact too,
/// but its resolution (sysconf, the manifest, derived from zoneinfo) needs
/// parsed memory files, so it lives in MemoryModel's `HostPageSize`; this
/// module only reads what a bundle manifest says (`manifestPageSize`).
public struct HostFacts: Sendable, Equatable {
    /// `/proc/sys/kernel/osrelease`, e.g. `6.18.44-fc-v657`.
    public var kernelRelease: String?
    /// `/proc/sys/kernel/hostname`.
    public var hostname: String?

    public init(kernelRelease: String?, hostname: String?) {
        self.kernelRelease = kernelRelease
        self.hostname = hostname
    }
}

extension ProcRoot {
    /// Reads the host facts; never fails (unknowns are nil).
    public func hostFacts(buffer: ReadBuffer) -> HostFacts {
        HostFacts(
            kernelRelease: firstLine("proc/sys/kernel/osrelease", buffer: buffer),
            hostname: firstLine("proc/sys/kernel/hostname", buffer: buffer))
    }

    /// The first line of a small text file, trimmed; nil when unreadable or empty.
    public func firstLine(_ relative: String, buffer: ReadBuffer) -> String? {
        guard (try? read(relative, into: buffer)) != nil else { return nil }
        return buffer.withBytes { bytes in
            var lines = ByteScanner(bytes)
            guard let line = lines.next() else { return nil }
            let text = ByteField.trimmed(line.bytes)
            return text.isEmpty ? nil : ByteField.string(text)
        }
    }

    /// The page size a bundle's `manifest.json` states (`"page_size": 4096`),
    /// at the root or two levels up, as in `bundle/samples/0000`; nil for the
    /// live host, a tree without a manifest, or a value that is not a power
    /// of two of at least 1 KiB.
    public func manifestPageSize(buffer: ReadBuffer) -> UInt64? {
        guard !isLive else { return nil }
        for candidate in ["manifest.json", "../../manifest.json"] {
            guard (try? read(candidate, into: buffer)) != nil else { continue }
            if let size = buffer.withBytes({ ManifestScan.unsignedValue(of: "page_size", in: $0) }), size >= 1024,
               size & (size - 1) == 0 {
                return size
            }
        }
        return nil
    }
}

/// Finds `"key": 123` in a JSON document without a JSON parser: the one-shot
/// views only ever need the page size from a bundle manifest, and must not
/// pull in Foundation for it.
enum ManifestScan {
    static func unsignedValue(of key: String, in bytes: UnsafeRawBufferPointer) -> UInt64? {
        let needle = Array(("\"" + key + "\"").utf8)
        guard bytes.count >= needle.count else { return nil }
        var index = bytes.startIndex
        while index + needle.count <= bytes.endIndex {
            if bytes[index] == needle[0] && bytes[index..<(index + needle.count)].elementsEqual(needle) {
                var cursor = index + needle.count
                while cursor < bytes.endIndex && (ByteField.isSpace(bytes[cursor]) || bytes[cursor] == UInt8(ascii: ":") || bytes[cursor] == UInt8(ascii: "\n")) {
                    cursor += 1
                }
                let start = cursor
                while cursor < bytes.endIndex && bytes[cursor] &- UInt8(ascii: "0") < 10 { cursor += 1 }
                return ByteField.uint64(bytes[start..<cursor])
            }
            index += 1
        }
        return nil
    }
}
