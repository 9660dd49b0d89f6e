import KernelFiles
import MemoryModel

/// `memsleuth buddy`: free blocks per zone and order, their sizes, and the
/// kernel's fragmentation indexes per order.
public enum BuddyView {
    /// What the view shows besides the table; each part may be missing.
    public struct Extras {
        public var pageSize: HostPageSize?
        public var zoneinfo: Zoneinfo?
        public var pagetypeinfo: Pagetypeinfo?
        public var unavailable: [Unavailable]

        public init(pageSize: HostPageSize?, zoneinfo: Zoneinfo?, pagetypeinfo: Pagetypeinfo?, unavailable: [Unavailable]) {
            self.pageSize = pageSize
            self.zoneinfo = zoneinfo
            self.pagetypeinfo = pagetypeinfo
            self.unavailable = unavailable
        }
    }

    public static func text(_ table: BuddyTable, _ extras: Extras) -> String {
        let orders = 0..<table.orderCount
        var out = "Free blocks per order"
        if let pageSize = extras.pageSize {
            out += " (page size \(pageSize.bytes) B, \(BuddyView.describe(pageSize.source)))"
        } else {
            out += " (page size unknown: sizes not shown)"
        }
        out += ":\n"
        out += grid(table, titles: orders.map(String.init), extra: ("FREE", { ByteFormatterOrPages.size($0.freeBytes, pages: $0.freePages) })) { zone, order in
            String(zone.freeBlocks[order])
        }
        if let bytes = table.zones.first?.freeBytesPerOrder, bytes.count == table.orderCount {
            out += "\nFree memory per order (block size in the header):\n"
            out += grid(table, titles: orders.map { table.blockBytes(order: $0).map { ByteFormatter.human($0) } ?? "?" }, extra: nil) { zone, order in
                zone.freeBytesPerOrder.map { ByteFormatter.human($0[order]) } ?? "?"
            }
        }
        out += "\nUnusable free space index (share of free memory too fragmented for a block of this order; 0 = none, 1 = all):\n"
        out += grid(table, titles: orders.map(String.init), extra: nil) { zone, order in
            BuddyTable.kernelText(thousandths: zone.unusableIndex[order])
        }
        out += "\nFragmentation index (extfrag_index: towards 0 a failure is lack of memory, towards 1 fragmentation; -1.000 = a block is free):\n"
        out += grid(table, titles: orders.map(String.init), extra: nil) { zone, order in
            BuddyTable.kernelText(thousandths: zone.fragmentationIndex[order])
        }
        if let zoneinfo = extras.zoneinfo {
            var watermarks = TextTable([("NODE", .right), ("ZONE", .left), ("FREE", .right), ("MIN", .right), ("LOW", .right), ("HIGH", .right), ("MANAGED", .right)])
            for zone in zoneinfo.zones where zone.presentPages.map({ $0 > 0 }) ?? true {
                let cells = [zone.freePages, zone.minPages, zone.lowPages, zone.highPages, zone.managedPages ?? zone.presentPages]
                watermarks.append([String(zone.node), zone.zone] + cells.map { $0.map(String.init) ?? "-" })
            }
            out += "\nWatermarks (pages, /proc/zoneinfo):\n" + watermarks.rendered()
        }
        if !extras.unavailable.isEmpty {
            out += "\nNot available:\n" + extras.unavailable.map { "  " + $0.line + "\n" }.joined()
        }
        return out
    }

    static func describe(_ source: HostPageSize.Source) -> String {
        switch source {
        case .sysconf: return "from sysconf"
        case .manifest: return "from the bundle manifest"
        case .zoneinfo: return "derived from zoneinfo and meminfo"
        }
    }

    private static func grid(
        _ table: BuddyTable, titles: [String], extra: (String, (BuddyTable.Zone) -> String)?,
        cell: (BuddyTable.Zone, Int) -> String
    ) -> String {
        var columns: [(String, TextTable.Alignment)] = [("NODE", .right), ("ZONE", .left)]
        columns += titles.map { ($0, .right) }
        if let extra { columns.append((extra.0, .right)) }
        var text = TextTable(columns)
        for zone in table.zones {
            var row = [String(zone.node), zone.zone]
            row += (0..<table.orderCount).map { order in order < zone.freeBlocks.count ? cell(zone, order) : "-" }
            if let extra { row.append(extra.1(zone)) }
            text.append(row)
        }
        return text.rendered()
    }

    public static func json(_ table: BuddyTable, _ extras: Extras) -> JSONValue {
        let zones: [JSONValue] = table.zones.map { zone in
            let info = extras.zoneinfo?.zones.first { $0.node == zone.node && $0.zone == zone.zone }
            let types = extras.pagetypeinfo?.free.filter { $0.node == zone.node && $0.zone == zone.zone }
            return .object([
                ("node", .int(Int64(zone.node))),
                ("zone", .string(zone.zone)),
                ("free_blocks", .array(zone.freeBlocks.map { .uint($0) })),
                ("free_pages_per_order", .array(zone.freePagesPerOrder.map { .uint($0) })),
                ("free_bytes_per_order", zone.freeBytesPerOrder.map { .array($0.map { .uint($0) }) } ?? .null),
                ("free_pages", .uint(zone.freePages)),
                ("free_bytes", .uint(zone.freeBytes)),
                ("unusable_index", .array(zone.unusableIndex.map { .double(Double($0) / 1000) })),
                ("fragmentation_index", .array(zone.fragmentationIndex.map { .double(Double($0) / 1000) })),
                ("watermarks", info.map { info in
                    .object([
                        ("free_pages", .uint(info.freePages)), ("min_pages", .uint(info.minPages)),
                        ("low_pages", .uint(info.lowPages)), ("high_pages", .uint(info.highPages)),
                        ("managed_pages", .uint(info.managedPages)), ("present_pages", .uint(info.presentPages)),
                        ("spanned_pages", .uint(info.spannedPages)),
                    ])
                } ?? .null),
                ("migrate_types", types.map { rows in
                    .array(rows.map { row in
                        .object([
                            ("type", .string(row.type)),
                            ("free_blocks", .array(row.freeBlocks.map { .uint($0.value) })),
                            ("lower_bound", .array(row.freeBlocks.map { .bool($0.isLowerBound) })),
                        ])
                    })
                } ?? .null),
            ])
        }
        let pagetypeinfo: JSONValue = extras.pagetypeinfo.map { info in
            .object([
                ("page_block_order", .uint(info.pageBlockOrder)),
                ("pages_per_block", .uint(info.pagesPerBlock)),
                ("blocks", .array(info.blocks.map { row in
                    .object([("node", .int(Int64(row.node))), ("zone", .string(row.zone)),
                             ("types", .object(zip(info.blockTypes, row.blocks).map { ($0.0, .uint($0.1)) }))])
                })),
            ])
        } ?? .null
        return .object([
            ("page_size", .uint(extras.pageSize?.bytes)),
            ("page_size_source", .string(extras.pageSize?.source.rawValue)),
            ("orders", .int(Int64(table.orderCount))),
            ("zones", .array(zones)),
            ("totals", .object([("free_pages", .uint(table.totalFreePages)), ("free_bytes", .uint(table.totalFreeBytes))])),
            ("pagetypeinfo", pagetypeinfo),
            ("unavailable", .array(extras.unavailable.map(\.json))),
        ])
    }
}

/// A zone's free total for the text table: human bytes, or pages when the
/// page size is unknown.
enum ByteFormatterOrPages {
    static func size(_ bytes: UInt64?, pages: UInt64) -> String {
        bytes.map { ByteFormatter.human($0) } ?? "\(pages) pages"
    }
}

extension BuddyView.Extras {
    /// The extras a buddy reading carries, for the command and the snapshot alike.
    public init(_ reading: BuddyReading, pageSize: HostPageSize?) {
        self.init(pageSize: pageSize, zoneinfo: reading.zoneinfo, pagetypeinfo: reading.pagetypeinfo,
                  unavailable: reading.unavailable)
    }
}
