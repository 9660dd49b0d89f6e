import Diagnosis
import KernelFiles
import MemoryModel
import Remedies
import Rendering

/// The text and JSON of `memsleuth fix` and its actions. Sizes in JSON are
/// bytes; in text binary units with the byte count where it is checked
/// against other tools.
enum FixView {
    static func size(_ bytes: Int64?) -> String {
        guard let bytes else { return "unknown" }
        return (bytes < 0 ? "-" : "") + DoctorView.binary(Double(bytes.magnitude))
    }

    static func wrap(_ text: String, indent: Int = 2) -> String { DoctorView.wrap(text, indent: indent, hanging: indent) }

    // MARK: drop-caches

    static func dropCachesPlan(level: Int, path: String, expected: [DropCaches.Part], refusal: String?,
                               figures: CacheFigures) -> String {
        var out = "Dry run: memsleuth fix drop-caches --level \(level) would run\n"
        out += "  sync; echo \(level) > \(path)\n"
        out += "Expected to free (at most; objects in use stay):\n"
        for part in expected { out += "  \(pad(part.name, 12)) \(size(part.bytes))\n" }
        let total = expected.compactMap(\.bytes).reduce(0, +)
        out += "  \(pad("total", 12)) \(size(total))\n"
        out += "Cost:\n" + wrap(DropCaches.cost(level: level))
        if level == 3 || level == 1 {
            out += wrap("Dirty + Writeback now: \(size(figures.unwritten.map { Int64(clamping: $0) })) (not dropped; "
                + "--apply refuses above \(DropCaches.dirtyLimitBytes >> 20) MiB after sync)")
        }
        if let refusal { out += "--apply would refuse now:\n" + wrap(refusal) }
        out += "Nothing was changed. Add --apply to do it (root, on the live host).\n"
        return out
    }

    static func dropCachesPlanJSON(level: Int, path: String, expected: [DropCaches.Part], refusal: String?) -> JSONValue {
        .object([
            ("action", .string("drop-caches")), ("dry_run", .bool(true)), ("level", .int(Int64(level))),
            ("file", .string(path)),
            ("expected", .object(expected.map { (key($0.name), .int($0.bytes)) })),
            ("expected_total_bytes", .int(expected.compactMap(\.bytes).reduce(0, +))),
            ("cost", .string(DropCaches.cost(level: level))),
            ("refusal", .string(refusal)),
        ])
    }

    static func dropCachesResult(level: Int, freed: [DropCaches.Part], after: CacheFigures) -> String {
        var out = "Dropped caches (level \(level)). Freed, by part (before - after):\n"
        for part in freed { out += "  \(pad(part.name, 24)) \(pad(size(part.bytes), 10, right: true))  (\(part.bytes.map(String.init) ?? "unknown") bytes)\n" }
        if let state = after.dentryState { out += "Dentries now: \(state.nrDentry) (nr_negative \(state.nrNegative.map(String.init) ?? "unknown"))\n" }
        out += "Logged (memsleuth fix --log). Watch for regrowth: memsleuth fix --watch 10m\n"
        return out
    }

    static func dropCachesResultJSON(level: Int, before: CacheFigures, after: CacheFigures, freed: [DropCaches.Part]) -> JSONValue {
        .object([
            ("action", .string("drop-caches")), ("dry_run", .bool(false)), ("level", .int(Int64(level))),
            ("freed", .object(freed.map { (key($0.name), .int($0.bytes)) })),
            ("before", figuresJSON(before)), ("after", figuresJSON(after)),
        ])
    }

    /// "page cache" → "page_cache_bytes", "MemFree (total)" → "memfree_bytes".
    static func key(_ name: String) -> String {
        let base = name.split(separator: " (").first.map(String.init) ?? name
        return base.lowercased().replacingSpaces + "_bytes"
    }

    static func figuresMembers(_ figures: CacheFigures) -> [JSONNode.Member] {
        [
            .number("memfree_bytes", figures.memFree), .number("cached_bytes", figures.cached),
            .number("sreclaimable_bytes", figures.sReclaimable), .number("dirty_bytes", figures.dirty),
            .number("dentry_slab_bytes", figures.dentryBytes), .number("dentry_objects", figures.dentryObjects),
            .number("inode_slab_bytes", figures.inodeBytes), .number("nr_dentry", figures.dentryState?.nrDentry),
            .number("nr_negative", figures.dentryState?.nrNegative),
        ]
    }

    static func figuresJSON(_ figures: CacheFigures) -> JSONValue { json(figuresMembers(figures)) }

    static func json(_ members: [JSONNode.Member]) -> JSONValue { .object(members.map { ($0.key, json($0.value)) }) }

    static func json(_ node: JSONNode) -> JSONValue {
        switch node {
        case .null: return .null
        case .bool(let value): return .bool(value)
        case .number(let value): return value == value.rounded() && abs(value) < 9e15 ? .int(Int64(value)) : .double(value)
        case .string(let value): return .string(value)
        case .array(let items): return .array(items.map(json))
        case .object(let members): return json(members)
        }
    }

    static func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
        let fill = String(repeating: " ", count: max(0, width - text.count))
        return right ? fill + text : text + fill
    }
}

extension String {
    var replacingSpaces: String { String(map { $0 == " " ? "_" : $0 }) }
}
