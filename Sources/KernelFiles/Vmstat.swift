/// `/proc/vmstat`: the kernel's virtual-memory counters, one `name value`
/// per line, in the kernel's order.
///
/// Format (every kernel since 2.6; the set of names changes by release):
///
///     nr_free_pages 935325          (a gauge, in pages)
///     pgpgin 2329649                (an event counter; pgpgin/pgpgout count KiB)
///     pswpin 0                      (an event counter, in pages)
///
/// Some names and when they appeared: `pgpgin pgpgout pswpin pswpout pgfault
/// pgmajfault` (2.6.0), `nr_anon_pages` (2.6.18), `workingset_refault`
/// (3.15; split into `_anon`/`_file` in 5.9), `nr_zone_*` and the node
/// counters (4.8), `oom_kill` (4.13), `nr_dirty_threshold` (2.6.37).
///
/// Values are kept as `UInt64`: every kernel prints them unsigned
/// (`seq_printf("%lu")` in 2.6.32, `seq_put_decimal_ull` since 4.x), and the
/// global counters are clamped at 0 when their per-cpu drift sums below it
/// (`global_zone_page_state`, `global_node_page_state` under CONFIG_SMP),
/// so a kernel never prints a sign. A value with a `-` (not known from any
/// release, but cheap to survive) is kept as unknown (nil), not refused and
/// never guessed as 0.
public struct Vmstat: Sendable, Equatable {
    /// One line: the kernel's name and its value; nil when printed negative.
    public struct Field: Sendable, Equatable {
        public let name: String
        public let value: UInt64?

        public init(name: String, value: UInt64?) {
            self.name = name
            self.value = value
        }
    }

    /// Every field in the kernel's order.
    public let fields: [Field]

    public init(fields: [Field]) { self.fields = fields }

    /// The value of a counter by its kernel name; nil when this kernel does
    /// not print it.
    public subscript(name: String) -> UInt64? {
        for field in fields where field.name == name { return field.value }
        return nil
    }

    /// KiB read from block devices since boot (despite the `pg` name).
    public var pgpginKilobytes: UInt64? { self["pgpgin"] }
    /// KiB written to block devices since boot.
    public var pgpgoutKilobytes: UInt64? { self["pgpgout"] }
    /// Pages swapped in since boot.
    public var pswpinPages: UInt64? { self["pswpin"] }
    /// Pages swapped out since boot.
    public var pswpoutPages: UInt64? { self["pswpout"] }
    /// Free pages now.
    public var nrFreePages: UInt64? { self["nr_free_pages"] }

    /// Parses `/proc/vmstat`.
    public static func parse(_ bytes: UnsafeRawBufferPointer, path: String) throws(ParseError) -> Vmstat {
        var fields: [Field] = []
        fields.reserveCapacity(200)
        for line in ByteScanner(bytes) where !line.isBlank {
            var cursor = line.fields
            guard let nameField = cursor.next(), let valueField = cursor.next(), cursor.next() == nil else {
                throw line.error(path, expected: "\"name value\"")
            }
            guard isName(nameField) else {
                throw line.error(path, expected: "a counter name of letters, digits and \"_\"")
            }
            let value: UInt64?
            if let unsigned = ByteField.uint64(valueField) {
                value = unsigned
            } else if ByteField.int64(valueField) != nil {
                value = nil  // printed negative: unknown, see the type's comment
            } else {
                throw line.error(path, expected: "a decimal value below 2^64")
            }
            fields.append(Field(name: ByteField.string(nameField), value: value))
        }
        guard !fields.isEmpty else {
            throw ParseError(path: path, line: nil, text: nil, expected: "at least one \"name value\" line")
        }
        return Vmstat(fields: fields)
    }

    private static func isName(_ field: Slice<UnsafeRawBufferPointer>) -> Bool {
        field.allSatisfy { byte in
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "_")
        }
    }
}

extension ProcRoot {
    /// Reads `/proc/vmstat`.
    public func vmstat(buffer: ReadBuffer) throws(SourceError) -> Vmstat {
        try parse("proc/vmstat", with: buffer, Vmstat.parse)
    }
}
