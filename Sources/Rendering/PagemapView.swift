import KernelFiles
import MemoryModel

/// `memsleuth pagemap PID ADDRESS`: the decoded pagemap entry of one page.
public enum PagemapView {
    public static func json(_ walk: PageWalk, unavailable: [Unavailable]) -> JSONValue {
        let entry = walk.entry
        let decoded: [(String, JSONValue)] = [
            ("raw", .string(AddressFormat.hex(entry.raw))),
            ("present", .bool(entry.present)), ("swapped", .bool(entry.swapped)),
            ("file_shared", .bool(entry.fileOrSharedAnon)), ("exclusive", .bool(entry.exclusive)),
            ("soft_dirty", .bool(entry.softDirty)), ("uffd_wp", .bool(entry.uffdWriteProtected)),
            ("pfn", .uint(entry.pfn)), ("pfn_hidden", .bool(entry.pfnHidden)),
            ("swap_type", .uint(entry.swapType)), ("swap_offset", .uint(entry.swapOffset)),
            ("physical_address", .string(walk.physicalAddress.map(AddressFormat.hex))),
        ]
        let flags: JSONValue = walk.pageFlags.map { flags in
            .object([("raw", .string(AddressFormat.hex(flags.raw))), ("flags", .array(flags.setNames.map(JSONValue.string)))])
        } ?? .null
        return .object([
            ("pid", .int(Int64(walk.pid))),
            ("address", .string(AddressFormat.hex(walk.address))),
            ("page_address", .string(AddressFormat.hex(walk.pageAddress))),
            ("page_size", .uint(walk.pageSize)),
            ("mapping", walk.mapping.map { .object(AddressFormat.mappingFields($0)) } ?? .null),
            ("entry", .object(decoded)),
            ("huge", walk.huge.map(JSONValue.bool) ?? .null),
            ("kpageflags", flags),
            ("unavailable", AddressFormat.unavailable(unavailable)),
        ])
    }

    public static func text(_ walk: PageWalk, unavailable: [Unavailable]) -> String {
        let entry = walk.entry
        var out = "memsleuth pagemap \(walk.pid) \(AddressFormat.hex(walk.address))\n"
        if let mapping = walk.mapping {
            out += "mapping     \(AddressFormat.range(mapping.start, mapping.end)) \(mapping.permissions) "
                + (mapping.path.isEmpty ? "[anon]" : mapping.path) + "\n"
        } else {
            out += "mapping     none: the address is not mapped in this process\n"
        }
        out += "page        \(AddressFormat.hex(walk.pageAddress)) (\(walk.pageSize) bytes)\n"
        out += "entry       \(AddressFormat.hex(entry.raw))\n"
        out += "present     \(entry.present ? "yes" : "no")\n"
        if entry.present {
            if entry.pfnHidden {
                out += "frame       hidden: the kernel shows PFNs only to CAP_SYS_ADMIN (reads 0 since Linux 4.0); run as root\n"
            } else if let pfn = entry.pfn {
                out += "frame       PFN \(AddressFormat.hex(pfn)) (\(pfn))"
                if let physical = walk.physicalAddress { out += ", physical address \(AddressFormat.hex(physical))" }
                out += "\n"
            }
        }
        if entry.swapped, let type = entry.swapType, let offset = entry.swapOffset {
            out += "swapped     yes: swap type \(type), offset \(offset)\n"
        } else {
            out += "swapped     no\n"
        }
        out += "file/shared \(entry.fileOrSharedAnon ? "yes (file page or shared anonymous)" : "no (private anonymous or not present)")\n"
        out += "exclusive   \(entry.exclusive ? "yes" : "no")\n"
        out += "soft-dirty  \(entry.softDirty ? "yes" : "no")\n"
        if let flags = walk.pageFlags {
            out += "huge        \(flags.isHuge ? "yes" : "no")\n"
            out += "kpageflags  \(AddressFormat.hex(flags.raw)) \(flags.setNames.joined(separator: " "))\n"
        }
        for entry in unavailable {
            out += "unavailable: \(entry.source): \(entry.reason)"
            if let remedy = entry.remedy { out += " (\(remedy))" }
            out += "\n"
        }
        return out
    }
}
