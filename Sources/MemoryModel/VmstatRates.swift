import KernelFiles

/// The unit `vmstat -S` shows memory and swap rates in.
public enum VmstatUnit: Character, Sendable, Equatable, CaseIterable {
    /// 1000 bytes
    case k = "k"
    /// 1024 bytes, the default
    case K = "K"
    /// 1 000 000 bytes
    case m = "m"
    /// 1 048 576 bytes
    case M = "M"
    /// plain bytes: what JSON uses (not a `-S` choice in procps 4.0.2)
    case bytes = "b"

    public var bytes: UInt64 {
        switch self {
        case .k: 1000
        case .K: 1024
        case .m: 1_000_000
        case .M: 1_048_576
        case .bytes: 1
        }
    }

    /// procps-ng 4.0.2 `unitConvert`: a KiB figure in this unit, computed
    /// in single-precision float as procps does (`(float)size / dataUnit *
    /// 1024`), so that large values round the same way `vmstat` prints them.
    /// Plain bytes are exact.
    public func convert(kilobytes: UInt64) -> UInt64 {
        if self == .bytes {
            let (value, overflow) = kilobytes.multipliedReportingOverflow(by: 1024)
            return overflow ? UInt64.max : value
        }
        let converted = Float(kilobytes) / Float(bytes) * 1024
        guard converted.isFinite, converted < 1.8e19 else { return UInt64.max }
        return UInt64(converted)
    }
}

/// Whether a line's rates are averages since boot (the first line) or over
/// the delay since the previous sample.
public enum VmstatRatesSince: String, Sendable, Equatable {
    case boot
    case previous
}

/// One line of `vmstat`: what procps-ng 4.0.2 prints, value for value.
/// Memory is in bytes; `si`/`so` are in the unit the row was computed for
/// per second; `bi`/`bo` are KiB ("blocks") per second. nil is unknown:
/// the kernel did not print the figure, or a counter went backwards
/// between the two samples (reboot, wrap) — never a negative rate.
public struct VmstatRow: Sendable, Equatable {
    public var ratesSince: VmstatRatesSince
    public var unit: VmstatUnit
    public var r: UInt64?
    public var b: UInt64?
    public var swpd: UInt64?
    public var free: UInt64?
    public var buff: UInt64?
    public var cache: UInt64?
    public var si: UInt64?
    public var so: UInt64?
    public var bi: UInt64?
    public var bo: UInt64?
    public var interrupts: UInt64?
    public var contextSwitches: UInt64?
    public var us: UInt64?
    public var sy: UInt64?
    public var id: UInt64?
    public var wa: UInt64?
    public var st: UInt64?
    public var pressure: Pressure?

    /// The since-boot line, as procps-ng 4.0.2's `new_format` computes it:
    /// counters × `hz` ÷ the sum of all CPU ticks (user … steal), rounded
    /// half up. That sum counts every CPU, so on an N-CPU host these
    /// "per second" figures are N times smaller than the true averages —
    /// procps's arithmetic, kept so that the numbers agree.
    public static func sinceBoot(_ sample: VmstatSample, hz: UInt64, pageSize: UInt64, unit: VmstatUnit) -> VmstatRow {
        var row = gauges(sample, since: .boot, unit: unit)
        guard let cpu = sample.cpu else { return row }
        let split = CPUSplit(
            use: cpu.user &+ cpu.nice, sys: cpu.system &+ (cpu.irq ?? 0) &+ (cpu.softirq ?? 0),
            idle: cpu.idle, iowait: cpu.iowait ?? 0, steal: cpu.steal ?? 0,
            guest: (cpu.guest ?? 0) &+ (cpu.guestNice ?? 0))
        let div = split.divisor
        let half = div / 2
        func rate(_ value: UInt64?) -> UInt64? {
            guard let value else { return nil }
            let (scaled, overflow) = value.multipliedReportingOverflow(by: hz)
            guard !overflow else { return nil }
            return (scaled &+ half) / div
        }
        let kbPerPage = pageSize / 1024
        row.si = sample.pswpinPages.flatMap { rate(unit.convert(kilobytes: $0 &* kbPerPage)) }
        row.so = sample.pswpoutPages.flatMap { rate(unit.convert(kilobytes: $0 &* kbPerPage)) }
        row.bi = rate(sample.pgpginKilobytes)
        row.bo = rate(sample.pgpgoutKilobytes)
        row.interrupts = rate(sample.interrupts)
        row.contextSwitches = rate(sample.contextSwitches)
        split.fill(&row)
        return row
    }

    /// A later line: the change since `previous` over the nominal `delay`
    /// seconds, rounded half up as procps does (`(Δ + delay/2) / delay`).
    public static func between(
        _ previous: VmstatSample, _ current: VmstatSample, delay: UInt64, pageSize: UInt64, unit: VmstatUnit
    ) -> VmstatRow {
        var row = gauges(current, since: .previous, unit: unit)
        let delay = max(delay, 1)
        let half = delay / 2
        func rate(_ delta: UInt64?) -> UInt64? { delta.map { ($0 &+ half) / delay } }
        let kbPerPage = pageSize / 1024
        row.si = delta(previous.pswpinPages, current.pswpinPages).flatMap { rate(unit.convert(kilobytes: $0 &* kbPerPage)) }
        row.so = delta(previous.pswpoutPages, current.pswpoutPages).flatMap { rate(unit.convert(kilobytes: $0 &* kbPerPage)) }
        row.bi = rate(delta(previous.pgpginKilobytes, current.pgpginKilobytes))
        row.bo = rate(delta(previous.pgpgoutKilobytes, current.pgpgoutKilobytes))
        row.interrupts = rate(delta(previous.interrupts, current.interrupts))
        row.contextSwitches = rate(delta(previous.contextSwitches, current.contextSwitches))
        if let before = previous.cpu, let after = current.cpu,
            let user = delta(before.user, after.user), let nice = delta(before.nice, after.nice),
            let system = delta(before.system, after.system), let idle = delta(before.idle, after.idle),
            let iowait = delta(before.iowait ?? 0, after.iowait ?? 0), let irq = delta(before.irq ?? 0, after.irq ?? 0),
            let softirq = delta(before.softirq ?? 0, after.softirq ?? 0),
            let steal = delta(before.steal ?? 0, after.steal ?? 0),
            let guest = delta(before.guest ?? 0, after.guest ?? 0),
            let guestNice = delta(before.guestNice ?? 0, after.guestNice ?? 0) {
            CPUSplit(use: user &+ nice, sys: system &+ irq &+ softirq, idle: idle, iowait: iowait, steal: steal,
                     guest: guest &+ guestNice).fill(&row)
        }
        // else: a tick counter went backwards (idle can, briefly, under
        // NO_HZ; procps carries it as "debt"): the split is unknown.
        return row
    }

    /// `current − previous`, nil when either is unknown or it went backwards.
    public static func delta(_ previous: UInt64?, _ current: UInt64?) -> UInt64? {
        guard let previous, let current, current >= previous else { return nil }
        return current - previous
    }

    private static func gauges(_ sample: VmstatSample, since: VmstatRatesSince, unit: VmstatUnit) -> VmstatRow {
        VmstatRow(
            ratesSince: since, unit: unit, r: sample.running, b: sample.blocked,
            swpd: sample.swapUsed, free: sample.free, buff: sample.buffers, cache: sample.cache,
            pressure: sample.pressure)
    }

    public init(ratesSince: VmstatRatesSince, unit: VmstatUnit, r: UInt64? = nil, b: UInt64? = nil,
                swpd: UInt64? = nil, free: UInt64? = nil, buff: UInt64? = nil, cache: UInt64? = nil,
                pressure: Pressure? = nil) {
        self.ratesSince = ratesSince
        self.unit = unit
        self.r = r
        self.b = b
        self.swpd = swpd
        self.free = free
        self.buff = buff
        self.cache = cache
        self.pressure = pressure
    }
}

/// procps's CPU split: us = user + nice − guest, sy = system + irq +
/// softirq, id, wa, st — each a percentage of their sum (guest excluded,
/// being already inside user), rounded half up.
private struct CPUSplit {
    var use: UInt64
    var sys: UInt64
    var idle: UInt64
    var iowait: UInt64
    var steal: UInt64
    var guest: UInt64

    init(use: UInt64, sys: UInt64, idle: UInt64, iowait: UInt64, steal: UInt64, guest: UInt64) {
        self.use = use
        self.sys = sys
        self.idle = idle
        self.iowait = iowait
        self.steal = steal
        self.guest = guest
        if divisor == 1 && use &+ sys &+ idle &+ iowait &+ steal == 0 { self.idle = 1 }  // procps: all idle
    }

    var divisor: UInt64 { max(use &+ sys &+ idle &+ iowait &+ steal, 1) }

    func fill(_ row: inout VmstatRow) {
        let div = divisor
        let half = div / 2
        func percent(_ ticks: UInt64) -> UInt64 { (100 &* ticks &+ half) / div }
        row.us = percent(use >= guest ? use - guest : 0)
        row.sy = percent(sys)
        row.id = percent(idle)
        row.wa = percent(iowait)
        row.st = percent(steal)
    }
}
