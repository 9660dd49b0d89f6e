import KernelFiles
import MemoryModel
import SystemPackage

/// The action log: `actions.jsonl` in the state directory
/// (`StateDirectory`: /var/lib/memsleuth as root), one `ActionRecord` per
/// line, appended once per applied action and never rewritten.
public struct ActionLog: Sendable {
    public static let fileName = "actions.jsonl"

    public let directory: String
    public var path: String { directory + "/" + ActionLog.fileName }

    public init(directory: String) {
        var trimmed = directory
        while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed.removeLast() }
        self.directory = trimmed
    }

    /// Every record, oldest first; lines that do not parse are skipped and
    /// counted. A log that does not exist yet is empty.
    public func read(io: FileIO = .system) throws(ReadError) -> (records: [ActionRecord], skipped: Int) {
        let buffer = ReadBuffer()
        let root = ProcRoot("/", io: io)
        do {
            try root.read(String(path.drop { $0 == "/" }), into: buffer)
        } catch {
            if error.errno == .noSuchFileOrDirectory { return ([], 0) }
            throw error
        }
        let text = String(decoding: buffer.bytes, as: UTF8.self)
        var records: [ActionRecord] = []
        var skipped = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            if let record = ActionRecord(line: String(line)) { records.append(record) } else { skipped += 1 }
        }
        return (records, skipped)
    }

    /// Appends one record (creating the directory and the file). One
    /// write(2) in append mode, so concurrent writers never interleave a line.
    public func append(_ record: ActionRecord, writes: SystemWrites) throws(WriteFailure) {
        if let failure = StateDirectory.create(directory) {
            throw WriteFailure(path: failure.path, errno: Errno(rawValue: failure.errno))
        }
        do { try writes.write(path, Array((record.line + "\n").utf8), .append) } catch {
            throw WriteFailure(path: path, errno: error)
        }
    }

    /// Records at or after `since` (seconds since the epoch), oldest first.
    public static func recent(_ records: [ActionRecord], since: Int64) -> [ActionRecord] {
        records.filter { ($0.seconds ?? .min) >= since }
    }

    /// The time of the last `drop-caches`, for the rate limit.
    public static func lastDropCaches(_ records: [ActionRecord]) -> Int64? {
        records.last { $0.action == "drop-caches" }?.seconds
    }
}
