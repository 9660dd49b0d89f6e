import KernelFiles
import MemoryModel

/// `memsleuth snapshot`: one JSON document with every view the host allows.
/// Each section is the JSON of its own command (`free --json`, `slabtop
/// --json`, …), built by the same function from the snapshot's raw
/// readings, so a stored snapshot prints exactly what the live one did. A
/// section whose required source failed is `null`, its reason in `unavailable`.
public enum SnapshotView {
    /// The document's format name; a reader checks it before anything else.
    public static let format = "memsleuth-snapshot/1"

    /// How many processes the document lists (totals cover them all).
    public static let defaultProcessCount = 20

    public static func json(_ snapshot: Snapshot, processCount: Int = defaultProcessCount) -> JSONValue {
        .object([
            ("format", .string(format)),
            ("time", .string(snapshot.time.rfc3339)),
            ("host", .object([
                ("hostname", .string(snapshot.host.hostname)),
                ("kernel", .string(snapshot.host.kernelRelease)),
                ("page_size", .uint(snapshot.pageSize?.bytes)),
                ("page_size_source", .string(snapshot.pageSize?.source.rawValue)),
            ])),
            ("meminfo", snapshot.meminfo.map(MeminfoView.json) ?? .null),
            ("free", snapshot.free.map(FreeView.json) ?? .null),
            ("vmstat", vmstat(snapshot)),
            ("pressure", VmstatView.pressure(snapshot.pressure)),
            ("slab", slab(snapshot)),
            ("dcache", snapshot.dcache.hasNoCaches ? .null : DcacheView.json(snapshot.dcache)),
            ("buddy", buddy(snapshot)),
            ("numa", numa(snapshot)),
            ("processes", snapshot.processTable(top: processCount).map(PsView.json) ?? .null),
            ("cgroups", snapshot.cgroups.map(CgroupView.json) ?? .null),
            ("unavailable", .array(snapshot.unavailable.map(\.json))),
        ])
    }

    /// `vmstat --json`'s since-boot sample, plus every /proc/vmstat counter
    /// by its kernel name (the row shows only the few procps picks).
    static func vmstat(_ snapshot: Snapshot) -> JSONValue {
        guard let row = snapshot.vmstatRow(unit: .bytes), let counters = snapshot.vmstat,
              case .object(var members) = VmstatView.json(row)
        else { return .null }
        members.append(("counters", .object(counters.vmstat.fields.map { ($0.name, .uint($0.value)) })))
        return .object(members)
    }

    static func slab(_ snapshot: Snapshot) -> JSONValue {
        guard let sample = snapshot.slab, let table = snapshot.slabTable() else { return .null }
        return SlabtopView.json(table, version: sample.slabinfo.version, unavailable: sample.unavailable)
    }

    static func buddy(_ snapshot: Snapshot) -> JSONValue {
        guard let reading = snapshot.buddy, let table = snapshot.buddyTable else { return .null }
        return BuddyView.json(table, BuddyView.Extras(reading, pageSize: snapshot.pageSize))
    }

    /// As `numa --json`, whose list names /proc/meminfo too when it failed.
    static func numa(_ snapshot: Snapshot) -> JSONValue {
        guard let table = snapshot.numaTable else { return .null }
        let meminfoFailure = snapshot.unavailable.filter { $0.source == "/proc/meminfo" }
        let context = NumaView.Context(
            isSingleNodeFallback: snapshot.numa.isSingleNodeFallback,
            unavailable: meminfoFailure + snapshot.numa.unavailable)
        return NumaView.json(table, context)
    }
}
