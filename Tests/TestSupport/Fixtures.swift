import KernelFiles

/// Locates the fixture trees under `Tests/Fixtures` from this source file's
/// path, so tests run from any working directory.
public enum Fixtures {
    /// `Tests/Fixtures`
    public static let directory: String = {
        var path = #filePath
        // …/Tests/TestSupport/Fixtures.swift → …/Tests/Fixtures
        for _ in 0..<2 { path = String(path[..<(path.lastIndex(of: "/") ?? path.endIndex)]) }
        return path + "/Fixtures"
    }()

    /// The kernel-generation trees (`Tests/Fixtures/kernels/<name>`), each a
    /// valid `--root` with a PROVENANCE.md.
    public static var kernelNames: [String] {
        (try? ProcRoot(directory).list("kernels"))?.filter { !$0.hasPrefix(".") } ?? []
    }

    public static func kernel(_ name: String) -> ProcRoot { ProcRoot(directory + "/kernels/" + name) }

    public static func kernelPath(_ name: String) -> String { directory + "/kernels/" + name }

    /// The malformed cases of one kernel file: `Tests/Fixtures/malformed/<file>/<case>`,
    /// as (case name, bytes).
    public static func malformed(_ file: String) -> [(name: String, bytes: [UInt8])] {
        let root = ProcRoot(directory + "/malformed/" + file)
        guard let names = try? root.list("") else { return [] }
        let buffer = ReadBuffer()
        return names.compactMap { name in
            guard (try? root.read(name, into: buffer)) != nil else { return nil }
            return (name, buffer.bytes)
        }
    }
}

/// Runs a parser over in-memory text or bytes, as `ProcRoot` would over a file.
public func parseText<T>(
    _ text: String, path: String = "/proc/test",
    _ parser: (UnsafeRawBufferPointer, String) throws(ParseError) -> T
) throws(ParseError) -> T {
    try parseBytes(Array(text.utf8), path: path, parser)
}

public func parseBytes<T>(
    _ bytes: [UInt8], path: String = "/proc/test",
    _ parser: (UnsafeRawBufferPointer, String) throws(ParseError) -> T
) throws(ParseError) -> T {
    let buffer = ReadBuffer()
    buffer.load(bytes)
    return try buffer.withBytes { (raw) throws(ParseError) -> T in try parser(raw, path) }
}
