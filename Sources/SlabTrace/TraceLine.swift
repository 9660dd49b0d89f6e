import KernelFiles

/// One event of interest from a tracefs `trace_pipe` line, parsed in place:
/// nothing is allocated for the allocation and free events that make up
/// nearly all of a trace.
///
/// The line format (kernel/trace/trace_output.c, `trace_print_context` and
/// `trace_print_lat_fmt`), one per kernel generation:
///
///     # 6.x (five flag columns; kmem events carry the cache name, call_site as %pS, ptr hashed since 4.15)
///               sh-18881   [001] .....  8213.520437: kmem_cache_alloc: call_site=__d_alloc+0x2d/0x230 ptr=00000000ef9d2ac6 name=dentry bytes_req=192 bytes_alloc=192 gfp_flags=GFP_KERNEL node=-1 accounted=true
///               sh-18881   [001] .....  8213.529915: sched_process_fork: comm=sh pid=18888 child_comm=sh child_pid=18889
///               ls-18889   [000] .....  8213.533989: sched_process_exec: filename=/usr/bin/ls pid=18889 old_pid=18889
///               ls-18889   [000] .....  8213.535065: sched_process_exit: comm=ls pid=18889 prio=120 group_dead=true
///     # 4.x (four flag columns, call_site as %lx, no name field)
///               sh-2211  [000] ....   512.113002: kmem_cache_alloc: call_site=ffffffff8122f0a5 ptr=ffff88003d5a7e40 bytes_req=192 bytes_alloc=192 gfp_flags=GFP_KERNEL
///               sh-2211  [000] ....   512.113010: kmem_cache_free: call_site=ffffffff8122c2b6 ptr=ffff88003d5a7e40
///     # between the per-CPU buffers when the reader fell behind (trace.c, print_trace_line)
///     CPU:1 [LOST 4096 EVENTS]
public enum TraceEvent: Equatable {
    /// A slab object allocated by `pid`; `callSite` when the kernel prints it as a number (before 5.5 or so).
    case alloc(pid: Int32, time: UInt64, pointer: UInt64, callSite: UInt64?)
    case free(pid: Int32, time: UInt64, pointer: UInt64)
    /// `pid` (the child) forked from `parentPID`.
    case fork(parentPID: Int32, childPID: Int32, childComm: String, time: UInt64)
    case exec(pid: Int32, comm: String, filename: String, time: UInt64)
    case exit(pid: Int32, time: UInt64)
    /// The kernel dropped events: the reader fell behind.
    case lost(count: UInt64)
}

/// Parses trace lines; `cacheName`, when given, drops allocation and free
/// lines whose `name=` field names another cache (the kernel filter
/// already does that; this guards against a filter the kernel refused).
public struct TraceLineParser {
    private let cacheName: [UInt8]?

    public init(cacheName: String? = nil) {
        self.cacheName = cacheName.map { Array($0.utf8) }
    }

    /// The event on `line` (without its newline), or nil for a header, a
    /// comment, an event of another kind or a line that does not parse.
    /// `comm` is the task name printed before the pid, for callers that
    /// need it (only on a pid's first appearance).
    public func parse(_ line: Slice<UnsafeRawBufferPointer>) -> (event: TraceEvent, comm: Slice<UnsafeRawBufferPointer>)? {
        let bytes = line
        var i = bytes.startIndex
        let end = bytes.endIndex
        while i < end && bytes[i] == 0x20 { i += 1 }
        guard i < end else { return nil }
        if bytes[i] == UInt8(ascii: "#") { return nil }
        if bytes[i] == UInt8(ascii: "C"), let count = Self.lost(bytes[i...]) {
            return (.lost(count: count), bytes[i..<i])
        }
        // "comm-pid [cpu]": the cpu bracket is the first "[digits]"; the
        // pid is the digits before it, after the last '-' (a comm may hold
        // '-' or spaces).
        let taskStart = i
        var bracket = i
        while true {
            while bracket < end && bytes[bracket] != UInt8(ascii: "[") { bracket += 1 }
            guard bracket < end else { return nil }
            var j = bracket + 1
            while j < end && bytes[j] &- 0x30 < 10 { j += 1 }
            if j > bracket + 1 && j < end && bytes[j] == UInt8(ascii: "]") { break }
            bracket += 1
        }
        var taskEnd = bracket
        while taskEnd > taskStart && bytes[taskEnd - 1] == 0x20 { taskEnd -= 1 }
        var dash = taskEnd
        while dash > taskStart && bytes[dash - 1] != UInt8(ascii: "-") { dash -= 1 }
        guard dash > taskStart, let pid = Self.decimal(bytes[dash..<taskEnd]), pid <= UInt64(Int32.max) else { return nil }
        let comm = bytes[taskStart..<(dash - 1)]
        // After the bracket: optional flags, then "seconds.fraction:", then "event:".
        i = bracket + 1
        while i < end && bytes[i] != UInt8(ascii: "]") { i += 1 }
        i += 1
        var time: UInt64?
        while i < end {
            while i < end && bytes[i] == 0x20 { i += 1 }
            let tokenStart = i
            while i < end && bytes[i] != 0x20 { i += 1 }
            if i > tokenStart && bytes[i - 1] == UInt8(ascii: ":") {
                time = Self.timestamp(bytes[tokenStart..<(i - 1)])
                break
            }
        }
        guard let time else { return nil }
        while i < end && bytes[i] == 0x20 { i += 1 }
        let nameStart = i
        while i < end && bytes[i] != UInt8(ascii: ":") { i += 1 }
        guard i < end else { return nil }
        let event = bytes[nameStart..<i]
        let fields = bytes[min(i + 2, end)..<end]
        let pid32 = Int32(pid)
        switch event.count {
        case 16 where ByteField.equals(event, "kmem_cache_alloc"):
            guard nameMatches(fields), let pointer = Self.hexField(fields, "ptr=") else { return nil }
            return (.alloc(pid: pid32, time: time, pointer: pointer, callSite: Self.hexField(fields, "call_site=")), comm)
        case 15 where ByteField.equals(event, "kmem_cache_free"):
            guard nameMatches(fields), let pointer = Self.hexField(fields, "ptr=") else { return nil }
            return (.free(pid: pid32, time: time, pointer: pointer), comm)
        case 18 where ByteField.equals(event, "sched_process_fork"):
            guard let parent = Self.value(fields, "pid=").flatMap(Self.decimal),
                  let child = Self.value(fields, "child_pid=").flatMap(Self.decimal),
                  parent <= UInt64(Int32.max), child <= UInt64(Int32.max) else { return nil }
            let childComm = Self.value(fields, "child_comm=").map(ByteField.string) ?? ""
            return (.fork(parentPID: Int32(parent), childPID: Int32(child), childComm: childComm, time: time), comm)
        case 18 where ByteField.equals(event, "sched_process_exec"):
            guard let filename = Self.value(fields, "filename=") else { return nil }
            return (.exec(pid: pid32, comm: ByteField.string(comm), filename: ByteField.string(filename), time: time), comm)
        case 18 where ByteField.equals(event, "sched_process_exit"):
            // The exiting task is the line's own pid; `pid=` says the same.
            return (.exit(pid: pid32, time: time), comm)
        default:
            return nil
        }
    }

    private func nameMatches(_ fields: Slice<UnsafeRawBufferPointer>) -> Bool {
        guard let cacheName, let name = Self.value(fields, "name=") else { return true }
        return name.elementsEqual(cacheName)
    }

    /// The value of `key` (which ends in '='): from after it to the next
    /// space. The key must start the fields or follow a space.
    static func value(_ fields: Slice<UnsafeRawBufferPointer>, _ key: StaticString) -> Slice<UnsafeRawBufferPointer>? {
        let keyLength = key.utf8CodeUnitCount
        let first = key.utf8Start.pointee
        var i = fields.startIndex
        let end = fields.endIndex
        while i + keyLength <= end {
            if fields[i] == first && (i == fields.startIndex || fields[i - 1] == 0x20)
                && ByteField.equals(fields[i..<(i + keyLength)], key) {
                var j = i + keyLength
                let start = j
                while j < end && fields[j] != 0x20 { j += 1 }
                return fields[start..<j]
            }
            i += 1
        }
        return nil
    }

    /// A hexadecimal field (`ptr=00000000ef9d2ac6`, `call_site=ffffffff8122f0a5`,
    /// optionally `0x`-prefixed); nil when absent or symbolic (`__d_alloc+0x2d/0x230`).
    static func hexField(_ fields: Slice<UnsafeRawBufferPointer>, _ key: StaticString) -> UInt64? {
        guard var digits = value(fields, key), !digits.isEmpty else { return nil }
        if digits.count > 2 && digits[digits.startIndex] == 0x30 && digits[digits.startIndex + 1] | 0x20 == UInt8(ascii: "x") {
            digits = digits.dropFirst(2)
        }
        guard digits.count <= 16 else { return nil }
        var result: UInt64 = 0
        for byte in digits {
            let digit: UInt8
            switch byte {
            case 0x30...0x39: digit = byte - 0x30
            case 0x61...0x66: digit = byte - 0x61 + 10
            case 0x41...0x46: digit = byte - 0x41 + 10
            default: return nil
            }
            result = result << 4 | UInt64(digit)
        }
        return result
    }

    @inline(__always)
    static func decimal(_ field: Slice<UnsafeRawBufferPointer>) -> UInt64? {
        guard !field.isEmpty, field.count <= 19 else { return nil }
        var value: UInt64 = 0
        for byte in field {
            let digit = byte &- 0x30
            guard digit < 10 else { return nil }
            value = value * 10 + UInt64(digit)
        }
        return value
    }

    /// "8213.520437" (trace_clock local/global: seconds.microseconds) as
    /// nanoseconds; a counter clock prints a plain integer, taken as is.
    static func timestamp(_ field: Slice<UnsafeRawBufferPointer>) -> UInt64? {
        guard let dot = field.firstIndex(of: UInt8(ascii: ".")) else { return decimal(field) }
        guard let seconds = decimal(field[field.startIndex..<dot]) else { return nil }
        var fraction: UInt64 = 0
        var digits = 0
        for byte in field[(dot + 1)...] {
            let digit = byte &- 0x30
            guard digit < 10 else { return nil }
            if digits < 9 { fraction = fraction * 10 + UInt64(digit); digits += 1 }
        }
        while digits < 9 { fraction *= 10; digits += 1 }
        return seconds &* 1_000_000_000 &+ fraction
    }

    /// "CPU:1 [LOST 4096 EVENTS]" → 4096.
    static func lost(_ line: Slice<UnsafeRawBufferPointer>) -> UInt64? {
        guard ByteField.hasPrefix(line, "CPU:") else { return nil }
        var fields = ByteLine(bytes: line, number: 0).fields
        _ = fields.next()
        guard let lost = fields.next(), ByteField.equals(lost, "[LOST"), let count = fields.next() else { return nil }
        return decimal(count)
    }
}
