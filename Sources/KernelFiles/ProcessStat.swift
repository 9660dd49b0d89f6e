/// `/proc/PID/stat`: one line of space-separated fields, the ones `ps` and
/// `top` take their start time and CPU ticks from.
///
/// Format (`man 5 proc`; 44 fields in 2.6.32, 52 since 3.5):
///
///     16556 (cat) R 16553 16553 13050 0 -1 4194304 100 0 0 0 0 0 0 0 20 0 1 0 124550 3133440 412 ...
///     pid   comm  state ppid … utime(14) stime(15) … starttime(22) vsize(23) rss(24) …
///
/// `comm` is whatever the process named itself (up to 15 bytes) and may hold
/// spaces, `(` and `)` — `a) (b` is a valid name — so the fields after it are
/// counted from the LAST `)` on the line, as procps does.
public struct ProcessStat: Sendable, Equatable {
    public var pid: Int32
    public var comm: String
    /// One letter: R, S, D, Z, T, t, X, I, …
    public var state: UInt8
    public var ppid: Int32
    /// Ticks (USER_HZ) in user and kernel mode.
    public var utimeTicks: UInt64
    public var stimeTicks: UInt64
    /// Ticks (USER_HZ) after boot when the process started: with the pid, the
    /// process's identity (pids are reused, start times of one pid are not).
    public var startTimeTicks: UInt64
    /// Virtual size in bytes.
    public var vsize: UInt64
    /// Resident pages.
    public var rssPages: UInt64

    public init(pid: Int32, comm: String, state: UInt8, ppid: Int32, utimeTicks: UInt64, stimeTicks: UInt64,
                startTimeTicks: UInt64, vsize: UInt64, rssPages: UInt64) {
        self.pid = pid
        self.comm = comm
        self.state = state
        self.ppid = ppid
        self.utimeTicks = utimeTicks
        self.stimeTicks = stimeTicks
        self.startTimeTicks = startTimeTicks
        self.vsize = vsize
        self.rssPages = rssPages
    }

    /// Parses `/proc/PID/stat`.
    public static func parse(_ bytes: UnsafeRawBufferPointer, path: String) throws(ParseError) -> ProcessStat {
        var lines = ByteScanner(bytes)
        guard let line = lines.next(), !line.isBlank else {
            throw ParseError(path: path, line: nil, text: nil, expected: "one line \"pid (comm) state ...\"")
        }
        let expected = "\"pid (comm) state ppid ...\" with at least 24 fields"
        let text = line.bytes
        guard let open = text.firstIndex(of: UInt8(ascii: "(")),
              let close = text.lastIndex(of: UInt8(ascii: ")")), open < close else {
            throw line.error(path, expected: expected)
        }
        var head = FieldIterator(text[text.startIndex..<open])
        guard let pidField = head.next(), let pid = ByteField.uint64(pidField), pid <= Int32.max, head.next() == nil else {
            throw line.error(path, expected: expected)
        }
        let comm = ByteField.string(text[(open + 1)..<close])
        // Fields after the comm, numbered from 3 as in `man 5 proc`.
        var fields = FieldIterator(text[(close + 1)...])
        var values: (state: UInt8, ppid: UInt64, utime: UInt64, stime: UInt64, start: UInt64, vsize: UInt64, rss: UInt64)
            = (0, 0, 0, 0, 0, 0, 0)
        var number = 3
        while number <= 24, let field = fields.next() {
            if number == 3 {
                guard field.count == 1, let letter = field.first else { throw line.error(path, expected: "a one-letter state") }
                values.state = letter
            } else if number == 4 || number == 14 || number == 15 || number >= 22 {
                guard let value = ByteField.uint64(field) else {
                    throw line.error(path, expected: "a decimal number in field \(number)")
                }
                switch number {
                case 4: values.ppid = value
                case 14: values.utime = value
                case 15: values.stime = value
                case 22: values.start = value
                case 23: values.vsize = value
                default: values.rss = value
                }
            }
            number += 1
        }
        guard number == 25, values.ppid <= Int32.max else { throw line.error(path, expected: expected) }
        return ProcessStat(
            pid: Int32(pid), comm: comm, state: values.state, ppid: Int32(values.ppid), utimeTicks: values.utime,
            stimeTicks: values.stime, startTimeTicks: values.start, vsize: values.vsize, rssPages: values.rss)
    }
}

extension ProcRoot {
    /// Reads `/proc/PID/stat`.
    public func processStat(_ pid: Int32, buffer: ReadBuffer) throws(SourceError) -> ProcessStat {
        try parse("proc/\(pid)/stat", with: buffer, ProcessStat.parse)
    }
}
