import KernelFiles

/// `memsleuth smaps`: one row per mapping and the totals, from
/// `/proc/PID/smaps`. A column the kernel did not print is nil in every
/// row and in the total.
public struct SmapsTable: Sendable, Equatable {
    public struct Row: Sendable, Equatable {
        public var entry: MapsEntry
        public var figures: Figures

        public init(entry: MapsEntry, figures: Figures) {
            self.entry = entry
            self.figures = figures
        }
    }

    /// The columns of the view, in bytes.
    public struct Figures: Sendable, Equatable {
        public var size: UInt64?
        public var rss: UInt64?
        public var pss: UInt64?
        public var sharedClean: UInt64?
        public var sharedDirty: UInt64?
        public var privateClean: UInt64?
        public var privateDirty: UInt64?
        public var swap: UInt64?
        public var swapPss: UInt64?
        public var anonHugePages: UInt64?
        public var locked: UInt64?

        public init() {}

        public init(_ mapping: Smaps.Mapping) {
            size = mapping.size ?? mapping.entry.size
            rss = mapping.rss
            pss = mapping.pss
            sharedClean = mapping.sharedClean
            sharedDirty = mapping.sharedDirty
            privateClean = mapping.privateClean
            privateDirty = mapping.privateDirty
            swap = mapping.swap
            swapPss = mapping.swapPss
            anonHugePages = mapping.anonHugePages
            locked = mapping.locked
        }

        /// Shared_Dirty + Private_Dirty, as `pmap -x`'s Dirty column.
        public var dirty: UInt64? {
            guard let sharedDirty, let privateDirty else { return nil }
            return sharedDirty + privateDirty
        }

        /// Private_Clean + Private_Dirty: the unique set size (as `smem`'s USS).
        public var uss: UInt64? {
            guard let privateClean, let privateDirty else { return nil }
            return privateClean + privateDirty
        }

        static var columns: [WritableKeyPath<Figures, UInt64?>] {
            [
            \.size, \.rss, \.pss, \.sharedClean, \.sharedDirty, \.privateClean, \.privateDirty, \.swap, \.swapPss,
            \.anonHugePages, \.locked,
            ]
        }

        /// Adds another row; a column stays nil only while every row lacks it.
        /// Sums saturate rather than trap (no real process comes near 16 EiB).
        public mutating func add(_ other: Figures) {
            for column in Self.columns {
                guard let value = other[keyPath: column] else { continue }
                let (sum, overflow) = (self[keyPath: column] ?? 0).addingReportingOverflow(value)
                self[keyPath: column] = overflow ? .max : sum
            }
        }
    }

    public var rows: [Row]
    public var totals: Figures

    /// Rows from `maps` alone: Size known, every other column nil.
    public init(maps: ProcessMaps) {
        rows = maps.mappings.map { entry in
            var figures = Figures()
            figures.size = entry.size
            return Row(entry: entry, figures: figures)
        }
        var totals = Figures()
        for row in rows { totals.add(row.figures) }
        self.totals = totals
    }

    public init(_ smaps: Smaps) {
        rows = smaps.mappings.map { Row(entry: $0.entry, figures: Figures($0)) }
        var totals = Figures()
        for row in rows { totals.add(row.figures) }
        self.totals = totals
    }
}
