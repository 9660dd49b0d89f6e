import KernelFiles

/// `memsleuth meminfo`: every field of /proc/meminfo.
public enum MeminfoView {
    /// An object keyed by the kernel's field names; sizes in bytes, counts as counts.
    public static func json(_ meminfo: Meminfo) -> JSONValue {
        .object(meminfo.fields.map { ($0.name, .uint($0.value)) })
    }

    /// One aligned line per field: name, human size (or count), exact bytes.
    public static func text(_ meminfo: Meminfo) -> String {
        var table = TextTable([("FIELD", .left), ("SIZE", .right), ("BYTES", .right)])
        for field in meminfo.fields {
            if field.isBytes {
                table.append([field.name, ByteFormatter.human(field.value), String(field.value)])
            } else {
                table.append([field.name, String(field.value), "-"])
            }
        }
        return table.rendered()
    }
}
