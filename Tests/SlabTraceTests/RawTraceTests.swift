import KernelFiles
import SlabTrace
import Testing
import TestSupport

/// Binary trace_pipe_raw pages: a real capture from Linux 6.18 (two CPUs,
/// the same hc.sh run as linux-6.18-hc.trace, see PROVENANCE.md) and
/// hand-made pages for the cases a capture rarely shows.
@Suite struct RawTraceTests {
    static let directory = Fixtures.directory + "/trace/raw-6.18"

    static func file(_ name: String) -> [UInt8] {
        let buffer = ReadBuffer()
        _ = try? ProcRoot(directory).read(name, into: buffer)
        return buffer.bytes
    }

    static func format(_ name: String) -> String { String(decoding: file("formats/" + name), as: UTF8.self) }

    static var decoder: RawTraceDecoder? {
        RawTraceDecoder(alloc: format("kmem_cache_alloc"), free: format("kmem_cache_free"),
                        fork: format("sched_process_fork"), exec: format("sched_process_exec"), exit: format("sched_process_exit"))
    }

    @Test func formatFiles() throws {
        let alloc = try #require(RawEventFormat.parse(Self.format("kmem_cache_alloc")))
        #expect(alloc.fields["ptr"] == RawEventFormat.Field(offset: 16, size: 8, dataLocation: false))
        #expect(alloc.fields["name"] == RawEventFormat.Field(offset: 24, size: 4, dataLocation: true))
        let exit = try #require(RawEventFormat.parse(Self.format("sched_process_exit")))
        #expect(exit.fields["comm"] == RawEventFormat.Field(offset: 8, size: 16, dataLocation: false))
        #expect(RawEventFormat.parse("no id here") == nil)
    }

    @Test func capturedPagesNameTheProbersAndTheirScript() throws {
        let decoder = try #require(Self.decoder)
        let attribution = SlabAttribution(cacheName: "dentry")
        var events: [(time: UInt64, event: TraceEvent)] = []
        var lost: UInt64 = 0
        for cpu in ["cpu0.raw", "cpu1.raw"] {
            let bytes = Self.file(cpu)
            #expect(bytes.count % 4096 == 0 && !bytes.isEmpty, "whole pages")
            bytes.withUnsafeBytes { all in
                var start = 0
                while start + 4096 <= all.count {
                    lost += decoder.decode(page: UnsafeRawBufferPointer(rebasing: all[start..<(start + 4096)]), into: &events)
                    start += 4096
                }
            }
        }
        attribution.consume(&events)
        let report = SlabAttributionReport(attribution, cache: "dentry", durationSeconds: 1)
        #expect(lost == 0)
        let probing = report.groups.first { $0.parent == "/tmp/hc.sh" && $0.processes == 3 }
        #expect((probing?.allocated ?? 0) >= 600, "\(report.groups.map { ($0.command, $0.parent ?? "-", $0.allocated) })")
        #expect((probing?.freed ?? 0) >= 590, "the rmdir freed them: matched by pointer across CPUs")
    }

    @Test func unnamedRecordsAreNamedFromSavedCmdlines() throws {
        // Raw records carry no task name; a process already running when the trace began and
        // not readable in /proc (no facts here) is named from tracefs' saved_cmdlines.
        let decoder = try #require(Self.decoder)
        let allocID = try #require(RawEventFormat.parse(Self.format("kmem_cache_alloc"))).id
        var event = Self.freeEvent(pid: 777, pointer: 0x10, id: allocID)
        event += [UInt8](repeating: 0, count: 36) // room for the alloc fields after ptr
        event[0] = UInt8((event.count - 4) / 4)
        var events: [(time: UInt64, event: TraceEvent)] = []
        let page = Self.page(commit: 0, events: [event])
        _ = page.withUnsafeBytes { decoder.decode(page: $0, into: &events) }
        let attribution = SlabAttribution(cacheName: "dentry")
        attribution.consume(&events)
        #expect(attribution.records.map(\.comm) == ["?"])
        attribution.nameUnnamed(savedCmdlines: "1 systemd\n777 health check\n")
        #expect(attribution.records.map(\.comm) == ["health check"])
    }

    /// A page of one kmem_cache_free event (6.18 layout), then padding.
    static func page(commit: UInt64, lostCount: UInt64? = nil, events: [[UInt8]]) -> [UInt8] {
        var page = [UInt8](repeating: 0, count: 4096)
        func put<T: FixedWidthInteger>(_ value: T, at offset: Int) {
            withUnsafeBytes(of: value.littleEndian) { for (i, byte) in $0.enumerated() { page[offset + i] = byte } }
        }
        put(UInt64(1_000), at: 0)
        var data: [UInt8] = []
        for event in events { data += event }
        put(commit | UInt64(data.count), at: 8)
        for (i, byte) in data.enumerated() { page[16 + i] = byte }
        if let lostCount { put(lostCount, at: 16 + data.count) }
        return page
    }

    static func freeEvent(pid: Int32, pointer: UInt64, id: UInt16, typeLengthZero: Bool = false) -> [UInt8] {
        var payload = [UInt8](repeating: 0, count: 28) // common (8) + call_site (8) + ptr (8) + name loc (4)
        withUnsafeBytes(of: id.littleEndian) { payload[0] = $0[0]; payload[1] = $0[1] }
        withUnsafeBytes(of: pid.littleEndian) { for i in 0..<4 { payload[4 + i] = $0[i] } }
        withUnsafeBytes(of: pointer.littleEndian) { for i in 0..<8 { payload[16 + i] = $0[i] } }
        if typeLengthZero {
            var header = [UInt8](repeating: 0, count: 8)
            withUnsafeBytes(of: UInt32(5 << 5).littleEndian) { for i in 0..<4 { header[i] = $0[i] } } // type_len 0, delta 5
            withUnsafeBytes(of: UInt32(payload.count + 4).littleEndian) { for i in 0..<4 { header[4 + i] = $0[i] } }
            return header + payload
        }
        var header = [UInt8](repeating: 0, count: 4)
        withUnsafeBytes(of: (UInt32(3 << 5) | UInt32(payload.count / 4)).littleEndian) { for i in 0..<4 { header[i] = $0[i] } }
        return header + payload
    }

    @Test func handMadePages() throws {
        let decoder = try #require(Self.decoder)
        let freeID = try #require(RawEventFormat.parse(Self.format("kmem_cache_free"))).id
        var events: [(time: UInt64, event: TraceEvent)] = []
        let timeExtend: [UInt8] = [UInt8(30), 0, 0, 0, 1, 0, 0, 0] // type 30, array[0] = 1 → +2^27
        let page = Self.page(commit: 1 << 31 | 1 << 30, lostCount: 77, events: [
            Self.freeEvent(pid: 42, pointer: 0xabc, id: freeID),
            timeExtend,
            Self.freeEvent(pid: 43, pointer: 0xdef, id: freeID, typeLengthZero: true),
        ])
        let lost = page.withUnsafeBytes { decoder.decode(page: $0, into: &events) }
        #expect(lost == 77)
        let expected: [TraceEvent] = [
            .free(pid: 42, time: 1_003, pointer: 0xabc),
            .free(pid: 43, time: 1_003 + (1 << 27) + 5, pointer: 0xdef),
        ]
        let decoded = events.map(\.event)
        #expect(decoded == expected)
        // Lost without a stored count: at least one.
        let unknown = Self.page(commit: 1 << 31, events: [])
        #expect(unknown.withUnsafeBytes { decoder.decode(page: $0, into: &events) } == 1)
        // A commit size past the page, a truncated page, garbage: no crash, nothing invented.
        var garbage = [UInt8](repeating: 0xff, count: 4096)
        garbage[8] = 0xff
        _ = garbage.withUnsafeBytes { decoder.decode(page: $0, into: &events) }
        _ = [UInt8](repeating: 0, count: 10).withUnsafeBytes { decoder.decode(page: $0, into: &events) }
    }
}
