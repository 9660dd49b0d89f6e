import KernelFiles

/// The figures `free` prints, computed from `/proc/meminfo` exactly as
/// procps-ng 4.0.2 (Debian 12) does, in this one place.
///
/// Source: procps-ng `library/meminfo.c`, `meminfo_read_failed()`, and
/// `src/free.c` (procps-ng/procps on GitLab; the 4.0.x branch). Checked
/// against the installed `free` 4.0.2 by bind-mounting a meminfo without
/// `MemAvailable` over /proc/meminfo: it prints `available` = MemFree and
/// `used` = MemTotal − MemFree.
///
/// Notably procps-ng 4 makes NO watermark estimate on kernels without
/// `MemAvailable` (before 3.14, e.g. RHEL 6's 2.6.32). That estimate
/// (`min_free_kbytes * 5/4` as the low watermark, plus half the file LRU
/// and half of SReclaimable) lived in procps-ng 3.3.x `proc/sysinfo.c` and
/// was dropped with the libproc2 rewrite; 4.0.2 falls back to MemFree.
/// `legacyAvailableEstimate` below keeps the 3.3 formula for reference.
///
/// Sizes are bytes; procps works in kB, and every input is kB × 1024, so the
/// results are the same figures × 1024. A figure whose kernel input is
/// missing is nil here (JSON `null`); procps, which zero-fills its table,
/// prints 0 for it, and so does the text view.
public struct FreeSummary: Sendable, Equatable {
    public var total: UInt64?
    public var used: UInt64?
    public var free: UInt64?
    /// `Shmem` (since 2.6.32).
    public var shared: UInt64?
    public var buffers: UInt64?
    /// `Cached + SReclaimable` (procps's MEMINFO_MEM_CACHED_ALL).
    public var cache: UInt64?
    public var buffCache: UInt64?
    public var available: UInt64?
    /// True when the kernel gave no usable `MemAvailable` (absent, 0, or above
    /// MemTotal as in some LXC containers) and `available` is procps's
    /// fallback to MemFree rather than the kernel's own estimate.
    public var availableEstimated: Bool
    public var swapTotal: UInt64?
    public var swapUsed: UInt64?
    public var swapFree: UInt64?
    /// `free -l`: LowTotal/LowFree (MemTotal/MemFree when the kernel has no
    /// highmem split, as every 64-bit kernel), HighTotal/HighFree (0 there).
    public var lowTotal: UInt64
    public var lowUsed: UInt64
    public var lowFree: UInt64
    public var highTotal: UInt64
    public var highUsed: UInt64
    public var highFree: UInt64
    /// `free -v`: CommitLimit, Committed_AS, and CommitLimit − Committed_AS
    /// (negative when overcommitted: procps's unsigned subtraction then
    /// prints a wrapped value; we keep the sign).
    public var commitLimit: UInt64?
    public var committedAS: UInt64?
    public var commitFree: Int64?

    public init(_ meminfo: Meminfo) {
        // procps zero-fills its table before reading, so a missing field is 0
        // in its arithmetic; `or0` mirrors that where a figure needs it.
        let memTotal = meminfo.memTotal
        let memFree = meminfo.memFree
        let t = memTotal ?? 0
        let f = memFree ?? 0

        total = memTotal
        free = memFree
        shared = meminfo.shmem
        buffers = meminfo.buffers
        // derived_mem_cached = Cached + SReclaimable (SReclaimable since 2.6.19).
        cache = meminfo.cached.map { $0 &+ (meminfo.sReclaimable ?? 0) }
        if let buffers, let cache { buffCache = buffers &+ cache } else { buffCache = buffers ?? cache }

        // if (0 == MemAvailable) MemAvailable = MemFree;
        // if (MemAvailable > MemTotal) MemAvailable = MemFree;   (LXC distortion)
        var avail = meminfo.memAvailable ?? 0
        var estimated = false
        if avail == 0 { avail = f; estimated = true }
        if avail > t { avail = f; estimated = true }
        availableEstimated = estimated
        // Null in JSON when neither input the figure came from was printed.
        let availableKnown = estimated ? memFree != nil : true
        available = availableKnown ? avail : nil

        // mem_used = MemTotal - MemAvailable; if (mem_used < 0) mem_used = MemTotal - MemFree;
        // (signed long arithmetic in procps; the fallback keeps the same wrap.)
        if memTotal == nil || !availableKnown {
            used = nil
        } else if avail <= t {
            used = t - avail
        } else {
            used = t &- f
        }

        // derived_swap_used = SwapTotal - SwapFree when SwapFree < SwapTotal, else 0.
        swapTotal = meminfo.swapTotal
        swapFree = meminfo.swapFree
        if meminfo.swapTotal == nil && meminfo.swapFree == nil {
            swapUsed = nil
        } else {
            let st = meminfo.swapTotal ?? 0
            let sf = meminfo.swapFree ?? 0
            swapUsed = sf < st ? st - sf : 0
        }

        // if (0 == LowTotal) { LowTotal = MemTotal; LowFree = MemFree; }
        var lowT = meminfo["LowTotal"] ?? 0
        var lowF = meminfo["LowFree"] ?? 0
        if lowT == 0 { lowT = t; lowF = f }
        lowTotal = lowT
        lowFree = lowF
        lowUsed = lowF < lowT ? lowT - lowF : 0
        highTotal = meminfo["HighTotal"] ?? 0
        highFree = meminfo["HighFree"] ?? 0
        highUsed = highFree < highTotal ? highTotal - highFree : 0

        commitLimit = meminfo["CommitLimit"]
        committedAS = meminfo["Committed_AS"]
        if let limit = commitLimit, let committed = committedAS,
           limit <= UInt64(Int64.max), committed <= UInt64(Int64.max) {
            commitFree = Int64(limit) - Int64(committed)
        } else {
            commitFree = nil
        }
    }

    /// What procps-ng 3.3.x (`proc/sysinfo.c`, `meminfo()`) estimated as
    /// "available" on 2.6.27 ≤ kernel < 3.14, kept for explanation only (no
    /// procps 4 tool prints it):
    ///
    ///     watermark_low = min_free_kbytes * 5 / 4
    ///     available = MemFree - watermark_low
    ///               + file - min(file / 2, watermark_low)          (file = Active(file) + Inactive(file))
    ///               + SReclaimable - min(SReclaimable / 2, watermark_low)
    ///     clamped at 0
    ///
    /// nil when MemFree or `min_free_kbytes` is unknown.
    public static func legacyAvailableEstimate(_ meminfo: Meminfo, minFreeBytes: UInt64?) -> UInt64? {
        guard let memFree = meminfo.memFree, let minFreeBytes else { return nil }
        // procps divides in kB: (kb * 5) / 4, then everything × 1024 here.
        let watermarkLow = Int64(clamping: (minFreeBytes / 1024) * 5 / 4) * 1024
        let file = Int64(clamping: (meminfo["Active(file)"] ?? 0) &+ (meminfo["Inactive(file)"] ?? 0))
        let reclaimable = Int64(clamping: meminfo.sReclaimable ?? 0)
        var estimate = Int64(clamping: memFree) - watermarkLow
        // Halving in kB as procps does: (x_kB / 2) × 1024.
        estimate += file - min((file / 1024) / 2 * 1024, watermarkLow)
        estimate += reclaimable - min((reclaimable / 1024) / 2 * 1024, watermarkLow)
        return estimate < 0 ? 0 : UInt64(estimate)
    }
}
