/// `/proc/PID/status`: the memory and identity lines of one process.
///
/// Format (tab after the colon; sizes in kB; lines added by release):
///
///     Name:	cat
///     Tgid:	16555
///     PPid:	16553
///     Uid:	0	0	0	0            (real, effective, saved, filesystem)
///     Gid:	0	0	0	0
///     VmPeak:	    3060 kB
///     VmSize:	    3060 kB           (absent for kernel threads and zombies)
///     VmRSS:	    1768 kB
///     RssAnon:	     116 kB          (since 4.5, with RssFile and RssShmem)
///     VmSwap:	       0 kB           (since 2.6.34)
///     Threads:	1
///
/// Every other line (signal masks, capabilities, `Cpus_allowed`, …) is
/// skipped without being looked at beyond its name. A line this kernel did
/// not print is nil.
public struct ProcessStatus: Sendable, Equatable {
    /// The command name (`comm`), at most 15 bytes, may contain spaces.
    public var name: String
    public var realUid: UInt32?
    public var effectiveUid: UInt32?
    public var realGid: UInt32?
    public var effectiveGid: UInt32?
    public var tgid: Int32?
    public var ppid: Int32?
    public var threads: UInt64?
    public var vmPeak: UInt64?
    public var vmSize: UInt64?
    public var vmRSS: UInt64?
    public var rssAnon: UInt64?
    public var rssFile: UInt64?
    public var rssShmem: UInt64?
    public var vmData: UInt64?
    public var vmStk: UInt64?
    public var vmExe: UInt64?
    public var vmLib: UInt64?
    public var vmPTE: UInt64?
    public var vmSwap: UInt64?

    public init(name: String) { self.name = name }

    /// No address space: a kernel thread, or a zombie whose memory is gone.
    public var hasNoAddressSpace: Bool { vmSize == nil }

    /// Parses `/proc/PID/status`.
    public static func parse(_ bytes: UnsafeRawBufferPointer, path: String) throws(ParseError) -> ProcessStatus {
        var status = ProcessStatus(name: "")
        var sawName = false
        for line in ByteScanner(bytes) where !line.isBlank {
            guard let (key, value) = ByteField.split(line.bytes, at: UInt8(ascii: ":")), !key.isEmpty else {
                throw line.error(path, expected: "\"Name:\tvalue\"")
            }
            guard let first = key.first else { continue }
            switch first {
            case UInt8(ascii: "N") where ByteField.equals(key, "Name"):
                status.name = ByteField.string(ByteField.trimmed(value))
                sawName = true
            case UInt8(ascii: "U") where ByteField.equals(key, "Uid"):
                (status.realUid, status.effectiveUid) = try ids(value, line, path)
            case UInt8(ascii: "G") where ByteField.equals(key, "Gid"):
                (status.realGid, status.effectiveGid) = try ids(value, line, path)
            case UInt8(ascii: "T") where ByteField.equals(key, "Tgid"):
                status.tgid = try pid(value, line, path)
            case UInt8(ascii: "T") where ByteField.equals(key, "Threads"):
                status.threads = try count(value, line, path)
                // Every kernel prints Threads (task_sig) after the Vm lines
                // (task_mem) and after the ids: the rest (signal masks,
                // capabilities, the long Mems_allowed) is not needed.
                return try status.checked(sawName: sawName, path: path)
            case UInt8(ascii: "P") where ByteField.equals(key, "PPid"):
                status.ppid = try pid(value, line, path)
            case UInt8(ascii: "V"), UInt8(ascii: "R"):
                try status.setSize(key, value, line, path)
            default:
                continue
            }
        }
        return try status.checked(sawName: sawName, path: path)
    }

    private func checked(sawName: Bool, path: String) throws(ParseError) -> ProcessStatus {
        guard sawName else {
            throw ParseError(path: path, line: nil, text: nil, expected: "a \"Name:\" line")
        }
        return self
    }

    private mutating func setSize(
        _ key: Slice<UnsafeRawBufferPointer>, _ value: Slice<UnsafeRawBufferPointer>, _ line: ByteLine, _ path: String
    ) throws(ParseError) {
        let target: WritableKeyPath<ProcessStatus, UInt64?>
        if ByteField.equals(key, "VmPeak") { target = \.vmPeak }
        else if ByteField.equals(key, "VmSize") { target = \.vmSize }
        else if ByteField.equals(key, "VmRSS") { target = \.vmRSS }
        else if ByteField.equals(key, "RssAnon") { target = \.rssAnon }
        else if ByteField.equals(key, "RssFile") { target = \.rssFile }
        else if ByteField.equals(key, "RssShmem") { target = \.rssShmem }
        else if ByteField.equals(key, "VmData") { target = \.vmData }
        else if ByteField.equals(key, "VmStk") { target = \.vmStk }
        else if ByteField.equals(key, "VmExe") { target = \.vmExe }
        else if ByteField.equals(key, "VmLib") { target = \.vmLib }
        else if ByteField.equals(key, "VmPTE") { target = \.vmPTE }
        else if ByteField.equals(key, "VmSwap") { target = \.vmSwap }
        else { return }
        self[keyPath: target] = try KilobyteLine.bytes(value, line, path)
    }

    private static func ids(
        _ value: Slice<UnsafeRawBufferPointer>, _ line: ByteLine, _ path: String
    ) throws(ParseError) -> (UInt32?, UInt32?) {
        var fields = FieldIterator(value)
        guard let real = fields.next().flatMap(ByteField.uint64), real <= UInt32.max,
              let effective = fields.next().flatMap(ByteField.uint64), effective <= UInt32.max else {
            throw line.error(path, expected: "real and effective ids (\"Uid:\t0\t0\t0\t0\")")
        }
        return (UInt32(real), UInt32(effective))
    }

    private static func pid(
        _ value: Slice<UnsafeRawBufferPointer>, _ line: ByteLine, _ path: String
    ) throws(ParseError) -> Int32 {
        var fields = FieldIterator(value)
        guard let number = fields.next().flatMap(ByteField.uint64), number <= Int32.max, fields.next() == nil else {
            throw line.error(path, expected: "a process id")
        }
        return Int32(number)
    }

    private static func count(
        _ value: Slice<UnsafeRawBufferPointer>, _ line: ByteLine, _ path: String
    ) throws(ParseError) -> UInt64 {
        var fields = FieldIterator(value)
        guard let number = fields.next().flatMap(ByteField.uint64), fields.next() == nil else {
            throw line.error(path, expected: "a count")
        }
        return number
    }
}

/// The value part of a `Name:   1234 kB` line, as bytes.
enum KilobyteLine {
    static func bytes(
        _ value: Slice<UnsafeRawBufferPointer>, _ line: ByteLine, _ path: String
    ) throws(ParseError) -> UInt64 {
        var fields = FieldIterator(value)
        guard let numberField = fields.next(), let kilobytes = ByteField.uint64(numberField) else {
            throw line.error(path, expected: "a decimal size in kB")
        }
        guard let unit = fields.next(), ByteField.equals(unit, "kB"), fields.next() == nil else {
            throw line.error(path, expected: "\"N kB\" and nothing after")
        }
        guard let bytes = ByteField.kilobytesToBytes(kilobytes) else {
            throw line.error(path, expected: "a size below 16 EiB")
        }
        return bytes
    }
}

extension ProcRoot {
    /// Reads `/proc/PID/status`.
    public func processStatus(_ pid: Int32, buffer: ReadBuffer) throws(SourceError) -> ProcessStatus {
        try parse("proc/\(pid)/status", with: buffer, ProcessStatus.parse)
    }
}
