import KernelFiles
import MemoryModel

/// `memsleuth layout PID`: the address space by region, the executable's
/// sections and BSS, the libraries, and totals as `pmap -x` prints them.
public enum LayoutView {
    public static func json(pid: Int32, _ layout: ProcessLayout, unavailable: [Unavailable]) -> JSONValue {
        let available = layout.executableUnavailable == nil && layout.executablePath != nil
        var fields: [(String, JSONValue)] = [
            ("pid", .int(Int64(pid))),
            ("executable", .string(layout.executablePath)),
            ("executable_available", .bool(available)),
            ("executable_unavailable", .string(layout.executableUnavailable)),
            ("load_bias", .string(layout.loadBias.map(AddressFormat.hex))),
        ]
        fields.append(("segments", .array(layout.segments.map(segment))))
        fields.append(("bss", layout.bss.map(bss) ?? .null))
        fields.append(("sections", .array(layout.sections.map(section))))
        fields.append(("libraries", .array(layout.libraries.map(library))))
        fields.append(("mappings", .array(layout.mappings.map(mapping))))
        fields.append(("totals", .object(totals(layout.totals))))
        fields.append(("unavailable", AddressFormat.unavailable(unavailable)))
        return .object(fields)
    }

    private static func segment(_ segment: ProcessLayout.Segment) -> JSONValue {
        let head: [(String, JSONValue)] = [
            ("region", .string(segment.region.rawValue)),
            ("ranges", .array(segment.ranges.map(range))),
            ("mappings", .int(Int64(segment.mappingCount))),
        ]
        return .object(head + totals(segment.figures))
    }

    private static func bss(_ bss: ProcessLayout.Bss) -> JSONValue {
        .object([
            ("start", .string(AddressFormat.hex(bss.start))), ("end", .string(AddressFormat.hex(bss.end))),
            ("size", .uint(bss.size)), ("source", .string(bss.source.rawValue)),
            ("in_data_mapping", .uint(bss.inDataMapping)),
        ])
    }

    private static func section(_ section: ProcessLayout.Section) -> JSONValue {
        .object([
            ("name", .string(section.name)), ("start", .string(AddressFormat.hex(section.start))),
            ("size", .uint(section.size)), ("nobits", .bool(section.isNoBits)),
        ])
    }

    private static func library(_ library: ProcessLayout.Library) -> JSONValue {
        let parts: [(String, JSONValue)] = [
            ("path", .string(library.path)), ("text", .uint(library.text)), ("rodata", .uint(library.rodata)),
            ("data", .uint(library.data)), ("bss", .uint(library.bss)),
        ]
        return .object(parts + totals(library.figures))
    }

    private static func mapping(_ mapping: ProcessLayout.Mapping) -> JSONValue {
        let kind: [(String, JSONValue)] = [
            ("region", .string(mapping.region.rawValue)), ("part", .string(mapping.part?.rawValue)),
        ]
        return .object(AddressFormat.mappingFields(mapping.entry) + kind + totals(mapping.figures))
    }

    private static func range(_ range: ProcessLayout.AddressRange) -> JSONValue {
        .object([
            ("start", .string(AddressFormat.hex(range.start))), ("end", .string(AddressFormat.hex(range.end))),
            ("size", .uint(range.size)),
        ])
    }

    /// Size, RSS, PSS and Dirty (pmap -x's Kbytes, RSS, Dirty) in bytes.
    private static func totals(_ figures: SmapsTable.Figures) -> [(String, JSONValue)] {
        [("size", .uint(figures.size)), ("rss", .uint(figures.rss)), ("pss", .uint(figures.pss)), ("dirty", .uint(figures.dirty))]
    }

    public static func text(pid: Int32, _ layout: ProcessLayout, unavailable: [Unavailable]) -> String {
        var out = "memsleuth layout \(pid)"
        if let path = layout.executablePath { out += ": \(path)" }
        if let bias = layout.loadBias { out += bias == 0 ? " (fixed address)" : " (load bias \(AddressFormat.hex(bias)))" }
        out += "\n"
        if let reason = layout.executableUnavailable {
            out += "executable not available (\(reason)): layout from maps alone\n"
        }
        out += "\n"
        var segments = TextTable([("REGION", .left), ("SIZE", .right), ("RSS", .right), ("DIRTY", .right), ("RANGES", .left)])
        for segment in layout.segments {
            let shown = segment.ranges.prefix(3).map { AddressFormat.range($0.start, $0.end) }.joined(separator: " ")
            let more = segment.ranges.count > 3 ? " (+\(segment.ranges.count - 3) more)" : ""
            segments.append([segment.region.rawValue, AddressFormat.size(segment.figures.size),
                             AddressFormat.size(segment.figures.rss), AddressFormat.size(segment.figures.dirty), shown + more])
        }
        out += segments.rendered()
        if let bss = layout.bss {
            out += "\nBSS \(AddressFormat.range(bss.start, bss.end)) = \(bss.size) bytes"
            if bss.source == .maps {
                out += " (the anonymous mapping after the executable's data; ELF not read)\n"
            } else if bss.inDataMapping >= bss.size {
                out += " (ELF data segment p_memsz - p_filesz; all of it in the data mapping's last page)\n"
            } else {
                out += " (ELF data segment p_memsz - p_filesz; \(bss.inDataMapping) bytes in the data mapping's last page, "
                    + "\(bss.size - bss.inDataMapping) in the anonymous mapping after it)\n"
            }
        }
        if !layout.sections.isEmpty {
            out += "\nSections of the executable:\n"
            var sections = TextTable([("SECTION", .left), ("ADDRESS", .left), ("SIZE", .right), ("BYTES", .right)])
            for section in layout.sections {
                sections.append([section.name, AddressFormat.hex(section.start), ByteFormatter.human(section.size), String(section.size)])
            }
            out += sections.rendered()
        }
        let libraries = layout.libraries
        if !libraries.isEmpty {
            out += "\nShared libraries:\n"
            var table = TextTable([("TEXT", .right), ("RODATA", .right), ("DATA", .right), ("BSS", .right), ("RSS", .right), ("LIBRARY", .left)])
            for library in libraries {
                table.append([library.text, library.rodata, library.data, library.bss].map { ByteFormatter.human($0) }
                             + [AddressFormat.size(library.figures.rss), library.path])
            }
            out += table.rendered()
        }
        out += "\ntotal kB (as pmap -x): Kbytes \(kilobytes(layout.totals.size))  RSS \(kilobytes(layout.totals.rss))  Dirty \(kilobytes(layout.totals.dirty))\n"
        for entry in unavailable { out += "unavailable: \(entry.source): \(entry.reason)\n" }
        return out
    }

    private static func kilobytes(_ value: UInt64?) -> String { value.map { String($0 / 1024) } ?? "-" }
}
