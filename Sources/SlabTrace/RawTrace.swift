/// The binary records of `per_cpu/cpuN/trace_pipe_raw`: ring-buffer pages
/// as the kernel keeps them, read without the kernel formatting text (which
/// costs the traced host several microseconds per event: `%pS` looks up a
/// symbol, `%p` hashes a pointer).
///
/// A page (events/header_page, 6.18):
///
///     field: u64 timestamp;  offset:0;  size:8;
///     field: local_t commit; offset:8;  size:8;   (bytes of data; bit 31: events were lost
///                                                   before this page; bit 30: their count
///                                                   is stored after the data)
///     field: char data;      offset:16; size:4080;
///
/// An event (events/header_event): a u32 `type_len:5, time_delta:27`, then
/// `array[]`: type_len 1…28 = data of type_len × 4 bytes; 0 = data length
/// in array[0]; 29 padding; 30 time extend; 31 absolute time stamp
/// (kernel/trace/ring_buffer.c, `rb_event_length`). The data begins with the
/// common fields (`common_type` u16 at 0, `common_pid` s32 at 4); the
/// event's own fields are where its `format` file says.
public struct RawEventFormat: Sendable, Equatable {
    public struct Field: Sendable, Equatable {
        public var offset: Int
        public var size: Int
        /// `__data_loc char[]`: a u32 with the string's offset (low 16 bits) and length (high 16).
        public var dataLocation: Bool

        public init(offset: Int, size: Int, dataLocation: Bool) {
            self.offset = offset
            self.size = size
            self.dataLocation = dataLocation
        }
    }

    public var id: UInt16
    public var fields: [String: Field]

    /// Parses an event's `format` file ("ID: 659", "\tfield:const void * ptr;\toffset:16;\tsize:8;\tsigned:0;").
    public static func parse(_ text: String) -> RawEventFormat? {
        var id: UInt16?
        var fields: [String: Field] = [:]
        for line in text.split(separator: "\n") {
            if line.hasPrefix("ID:") { id = UInt16(line.dropFirst(3).trimmingPrefix(" ")) ; continue }
            let parts = line.split(separator: ";")
            guard parts.count >= 3, let declaration = parts.first?.split(separator: ":", maxSplits: 1).last else { continue }
            var name = declaration.split(separator: " ").last.map(String.init) ?? ""
            if let bracket = name.firstIndex(of: "[") { name = String(name[..<bracket]) }
            func number(_ key: String) -> Int? {
                parts.first { $0.trimmingPrefix("\t").hasPrefix(key + ":") }
                    .flatMap { Int($0.split(separator: ":").last ?? "") }
            }
            guard let offset = number("offset"), let size = number("size"), !name.isEmpty else { continue }
            fields[name] = Field(offset: offset, size: size, dataLocation: declaration.contains("__data_loc"))
        }
        guard let id else { return nil }
        return RawEventFormat(id: id, fields: fields)
    }
}

/// Decodes trace_pipe_raw pages of the five events `trace slab` enables.
public struct RawTraceDecoder: Sendable {
    struct Layout: Sendable {
        var id: UInt16
        var a: RawEventFormat.Field
        var b: RawEventFormat.Field?
        var c: RawEventFormat.Field?
    }
    let alloc: Layout, free: Layout, fork: Layout, exec: Layout, exit: Layout

    /// From the `format` files of kmem_cache_alloc, kmem_cache_free,
    /// sched_process_fork, sched_process_exec, sched_process_exit; nil when
    /// one lacks a field this needs.
    public init?(alloc: String, free: String, fork: String, exec: String, exit: String) {
        guard let allocFormat = RawEventFormat.parse(alloc), let allocPointer = allocFormat.fields["ptr"],
              let freeFormat = RawEventFormat.parse(free), let freePointer = freeFormat.fields["ptr"],
              let forkFormat = RawEventFormat.parse(fork), let parentPID = forkFormat.fields["parent_pid"],
              let childPID = forkFormat.fields["child_pid"], let childComm = forkFormat.fields["child_comm"],
              let execFormat = RawEventFormat.parse(exec), let filename = execFormat.fields["filename"],
              let execPID = execFormat.fields["pid"],
              let exitFormat = RawEventFormat.parse(exit), let exitPID = exitFormat.fields["pid"] else { return nil }
        self.alloc = Layout(id: allocFormat.id, a: allocPointer, b: allocFormat.fields["call_site"])
        self.free = Layout(id: freeFormat.id, a: freePointer)
        self.fork = Layout(id: forkFormat.id, a: parentPID, b: childPID, c: childComm)
        self.exec = Layout(id: execFormat.id, a: filename, b: execPID)
        self.exit = Layout(id: exitFormat.id, a: exitPID)
    }

    /// Appends the page's events, with their time stamps, to `events`; returns events the kernel lost before it.
    public func decode(page: UnsafeRawBufferPointer, into events: inout [(time: UInt64, event: TraceEvent)]) -> UInt64 {
        guard page.count >= 16 else { return 0 }
        var time = page.loadUnaligned(fromByteOffset: 0, as: UInt64.self)
        let commit = page.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
        let size = Int(commit & 0x0fff_ffff)
        let end = min(page.count, 16 + size)
        var lost: UInt64 = 0
        if commit & (1 << 30) != 0, end + 8 <= page.count {
            lost = page.loadUnaligned(fromByteOffset: end, as: UInt64.self)
        } else if commit & (1 << 31) != 0 {
            lost = 1 // lost, count not stored: at least one
        }
        var i = 16
        while i + 4 <= end {
            let header = page.loadUnaligned(fromByteOffset: i, as: UInt32.self)
            let typeLength = header & 0x1f
            let delta = UInt64(header >> 5)
            switch typeLength {
            case 29: // padding; time_delta 0 = the rest of the page
                guard delta != 0, i + 8 <= end else { return lost }
                i += 4 + Int(page.loadUnaligned(fromByteOffset: i + 4, as: UInt32.self))
            case 30, 31:
                guard i + 8 <= end else { return lost }
                let upper = UInt64(page.loadUnaligned(fromByteOffset: i + 4, as: UInt32.self)) << 27
                if typeLength == 30 { time &+= upper | delta } else { time = (time & ~((1 << 59) - 1)) | upper | delta }
                i += 8
            case 0:
                guard i + 8 <= end else { return lost }
                let length = Int(page.loadUnaligned(fromByteOffset: i + 4, as: UInt32.self))
                guard length >= 4, i + 4 + length <= end else { return lost }
                time &+= delta
                record(UnsafeRawBufferPointer(rebasing: page[(i + 8)..<(i + 4 + length)]), time, &events)
                i += 4 + length
            default:
                let length = Int(typeLength) * 4
                guard i + 4 + length <= end else { return lost }
                time &+= delta
                record(UnsafeRawBufferPointer(rebasing: page[(i + 4)..<(i + 4 + length)]), time, &events)
                i += 4 + length
            }
        }
        return lost
    }

    @inline(__always)
    private func record(_ data: UnsafeRawBufferPointer, _ time: UInt64, _ events: inout [(time: UInt64, event: TraceEvent)]) {
        guard data.count >= 8 else { return }
        let type = data.loadUnaligned(fromByteOffset: 0, as: UInt16.self)
        let pid = data.loadUnaligned(fromByteOffset: 4, as: Int32.self)
        if type == alloc.id, let pointer = Self.u64(data, alloc.a) {
            events.append((time, .alloc(pid: pid, time: time, pointer: pointer, callSite: alloc.b.flatMap { Self.u64(data, $0) })))
        } else if type == free.id, let pointer = Self.u64(data, free.a) {
            events.append((time, .free(pid: pid, time: time, pointer: pointer)))
        } else if type == fork.id, let parent = Self.s32(data, fork.a), let childField = fork.b, let child = Self.s32(data, childField) {
            let comm = fork.c.map { Self.string(data, $0) } ?? ""
            events.append((time, .fork(parentPID: parent, childPID: child, childComm: comm, time: time)))
        } else if type == exec.id {
            let filename = Self.string(data, exec.a)
            let execPID = exec.b.flatMap { Self.s32(data, $0) } ?? pid
            // The kernel names the task after the file it exec'd (fs/exec.c, __set_task_comm(kbasename)).
            let comm = String(filename.split(separator: "/").last.map { $0.utf8.prefix(15) }.map { String(decoding: $0, as: UTF8.self) } ?? "")
            events.append((time, .exec(pid: execPID, comm: comm, filename: filename, time: time)))
        } else if type == exit.id {
            events.append((time, .exit(pid: Self.s32(data, exit.a) ?? pid, time: time)))
        }
    }

    @inline(__always)
    static func u64(_ data: UnsafeRawBufferPointer, _ field: RawEventFormat.Field) -> UInt64? {
        guard field.offset + 8 <= data.count, field.size == 8 else { return nil }
        return data.loadUnaligned(fromByteOffset: field.offset, as: UInt64.self)
    }

    static func s32(_ data: UnsafeRawBufferPointer, _ field: RawEventFormat.Field) -> Int32? {
        guard field.offset + 4 <= data.count else { return nil }
        return data.loadUnaligned(fromByteOffset: field.offset, as: Int32.self)
    }

    /// A `__data_loc char[]` or a fixed `char[16]`, without its NUL.
    static func string(_ data: UnsafeRawBufferPointer, _ field: RawEventFormat.Field) -> String {
        var start = field.offset, length = field.size
        if field.dataLocation {
            guard field.offset + 4 <= data.count else { return "" }
            let location = data.loadUnaligned(fromByteOffset: field.offset, as: UInt32.self)
            start = Int(location & 0xffff)
            length = Int(location >> 16)
        }
        guard start >= 0, length > 0, start + length <= data.count else { return "" }
        let bytes = data[start..<(start + length)]
        let text = bytes.firstIndex(of: 0).map { bytes[bytes.startIndex..<$0] } ?? bytes
        return String(decoding: text, as: UTF8.self)
    }
}
