#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import KernelFiles

/// The page size of the host whose files are read: a fact, never assumed
/// (arm64 and ppc64 machines run 16 KiB and 64 KiB pages). Every view and
/// the snapshot resolve it through `of(_:buffer:zoneinfo:meminfo:)`, the one
/// place that decides where it comes from.
public struct HostPageSize: Sendable, Equatable {
    public enum Source: String, Sendable {
        /// `sysconf(_SC_PAGESIZE)` of the running host.
        case sysconf
        /// A bundle's `manifest.json` (`ProcRoot.manifestPageSize`).
        case manifest
        /// A captured tree: MemTotal ÷ the zones' managed (present before
        /// 3.8) pages, the sum the kernel's MemTotal is made of.
        case zoneinfo
    }

    public let bytes: UInt64
    public let source: Source

    public init(bytes: UInt64, source: Source) {
        self.bytes = bytes
        self.source = source
    }

    /// The live host's page size.
    public static func live() -> HostPageSize? {
        let value = sysconf(Int32(_SC_PAGESIZE))
        return value > 0 ? HostPageSize(bytes: UInt64(value), source: .sysconf) : nil
    }

    /// The page size a captured tree's files imply: MemTotal (bytes) over the
    /// pages the zones manage, rounded to the nearest power of two between
    /// 4 KiB and 1 MiB. Before 3.8 `present` stands in for `managed` and
    /// MemTotal is a little lower (reserved pages), which the rounding absorbs.
    ///
    /// Where both are printed they must agree: on this project's own
    /// Firecracker guest (linux-6.18-sandbox) `managed` lags far behind
    /// `present` (1.7 M of 6.3 M pages) while MemTotal counts all of it, so
    /// `managed` alone says 16 KiB on a 4 KiB host. Unknown beats wrong. When
    /// only `managed` gives a size (boot-time huge pages keep MemTotal far
    /// below `present`), it is taken. nil when the files do not allow it.
    public static func derived(memTotalBytes: UInt64, zoneinfo: Zoneinfo, nodes: Set<Int>? = nil) -> HostPageSize? {
        let zones = zoneinfo.zones.filter { nodes?.contains($0.node) ?? true }
        let present = estimate(memTotalBytes, pages: zones.map { $0.presentPages ?? 0 })
        guard zones.contains(where: { $0.managedPages != nil }) else { return present }
        let managed = estimate(memTotalBytes, pages: zones.map { $0.managedPages ?? $0.presentPages ?? 0 })
        if let present, let managed, present != managed { return nil }
        return managed ?? present
    }

    /// MemTotal over `pages`, as the nearest power of two; nil when off by
    /// more than a third from one, or on overflow.
    private static func estimate(_ memTotalBytes: UInt64, pages counts: [UInt64]) -> HostPageSize? {
        var pages: UInt64 = 0
        for count in counts {
            let (sum, overflow) = pages.addingReportingOverflow(count)
            guard !overflow else { return nil }
            pages = sum
        }
        guard pages > 0, memTotalBytes > 0 else { return nil }
        let ratio = Double(memTotalBytes) / Double(pages)
        var candidate: UInt64 = 4096
        while candidate < 1 << 20 && ratio > Double(candidate) * 1.5 { candidate <<= 1 }
        guard ratio > Double(candidate) * 0.66 && ratio < Double(candidate) * 1.5 else { return nil }
        return HostPageSize(bytes: candidate, source: .zoneinfo)
    }
}

extension HostPageSize {
    /// The page size for the files under `root`, in this order: sysconf on
    /// the live host; a bundle's manifest; else, for a tree without one,
    /// derived from its zoneinfo and MemTotal (from `/proc/meminfo`, else the
    /// nodes' meminfo) rather than assumed. nil when nothing tells.
    /// `zoneinfo` and `meminfo` pass readings the caller already has, so a
    /// collector does not read them twice.
    public static func of(
        _ root: ProcRoot, buffer: ReadBuffer, zoneinfo: Zoneinfo? = nil, meminfo: Meminfo? = nil
    ) -> HostPageSize? {
        if root.isLive { return live() }
        if let size = root.manifestPageSize(buffer: buffer) { return HostPageSize(bytes: size, source: .manifest) }
        guard let zoneinfo = zoneinfo ?? (try? root.zoneinfo(buffer: buffer)) else { return nil }
        if let total = (meminfo ?? (try? root.meminfo(buffer: buffer)))?.memTotal,
           let size = derived(memTotalBytes: total, zoneinfo: zoneinfo) {
            return size
        }
        var total: UInt64 = 0
        for node in (try? root.numaNodes()) ?? [] {
            guard let memTotal = (try? root.nodeMeminfo(node, buffer: buffer))?.memTotal else { return nil }
            let (sum, overflow) = total.addingReportingOverflow(memTotal)
            guard !overflow else { return nil }
            total = sum
        }
        return derived(memTotalBytes: total, zoneinfo: zoneinfo)
    }

    /// For a figure that cannot be shown without a page size (slabtop's
    /// CACHE SIZE, vmstat's si/so): the resolved size, else this machine's
    /// own — what procps would use on any tree. Only a tree with no manifest,
    /// no zoneinfo and no meminfo gets here; the snapshot's
    /// `host.page_size` stays null for it, so the assumption is visible.
    public static func bytesOrAssumed(_ resolved: HostPageSize?) -> UInt64 {
        if let resolved { return resolved.bytes }
        return live()?.bytes ?? 4096
    }
}
