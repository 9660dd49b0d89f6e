import ArgumentParser
import KernelFiles
import MemoryModel
import Rendering

extension Memsleuth {
    /// `memsleuth free`: procps-ng 4 `free`, same flags, same text.
    struct Free: MemsleuthCommand {
        static let configuration = CommandConfiguration(
            abstract: "Total, used, free, shared, buff/cache and available memory, as procps free prints them.",
            discussion: "used = MemTotal - MemAvailable; cache = Cached + SReclaimable (procps-ng 4).",
            // -h is free's --human, as in procps; help stays on --help.
            helpNames: [.long])

        @OptionGroup var global: GlobalOptions

        @Flag(name: [.customShort("b"), .customLong("bytes")], help: "Show output in bytes.") var bytes = false
        @Flag(name: .customLong("kilo"), help: "Show output in kilobytes.") var kilo = false
        @Flag(name: .customLong("mega"), help: "Show output in megabytes.") var mega = false
        @Flag(name: .customLong("giga"), help: "Show output in gigabytes.") var giga = false
        @Flag(name: .customLong("tera"), help: "Show output in terabytes.") var tera = false
        @Flag(name: .customLong("peta"), help: "Show output in petabytes.") var peta = false
        @Flag(name: [.customShort("k"), .customLong("kibi")], help: "Show output in kibibytes.") var kibi = false
        @Flag(name: [.customShort("m"), .customLong("mebi")], help: "Show output in mebibytes.") var mebi = false
        @Flag(name: [.customShort("g"), .customLong("gibi")], help: "Show output in gibibytes.") var gibi = false
        @Flag(name: .customLong("tebi"), help: "Show output in tebibytes.") var tebi = false
        @Flag(name: .customLong("pebi"), help: "Show output in pebibytes.") var pebi = false
        @Flag(name: [.customShort("h"), .customLong("human")], help: "Show human-readable output.") var human = false
        @Flag(name: .customLong("si"), help: "Use powers of 1000 not 1024.") var si = false
        @Flag(name: [.customShort("l"), .customLong("lohi")], help: "Show detailed low and high memory statistics.") var lohi = false
        @Flag(name: [.customShort("t"), .customLong("total")], help: "Show total for RAM + swap.") var total = false
        @Flag(name: [.customShort("v"), .customLong("committed")], help: "Show committed memory and commit limit.") var committed = false
        @Flag(name: [.customShort("w"), .customLong("wide")], help: "Wide output (buffers and cache apart).") var wide = false
        @Option(name: [.customShort("s"), .customLong("seconds")], help: ArgumentHelp("Repeat printing every N seconds.", valueName: "N"))
        var seconds: Double?
        @Option(name: [.customShort("c"), .customLong("count")], help: ArgumentHelp("Repeat printing N times, then exit.", valueName: "N"))
        var count: Int?

        var units: [FreeFormat.Unit] {
            let chosen: [(Bool, FreeFormat.Unit)] = [
                (bytes, .bytes), (kilo, .kilo), (mega, .mega), (giga, .giga), (tera, .tera), (peta, .peta),
                (kibi, .kibi), (mebi, .mebi), (gibi, .gibi), (tebi, .tebi), (pebi, .pebi),
            ]
            return chosen.filter(\.0).map(\.1)
        }

        func validate() throws {
            // procps: "Multiple unit options don't make sense." (it exits 1; a usage error here).
            guard units.count <= 1 else { throw ValidationError("multiple unit options don't make sense") }
            if let seconds, !(seconds > 0) { throw ValidationError("seconds argument '\(seconds)' is not a positive number") }
            if let count, count < 1 { throw ValidationError("failed to parse count argument: '\(count)'") }
        }

        var request: FreeRequest {
            FreeRequest(
                global: global.request,
                format: FreeFormat(unit: units.first ?? .default, human: human, si: si, wide: wide,
                                   total: total, lohi: lohi, committed: committed),
                seconds: seconds, count: count)
        }

        func execute(_ context: CommandContext) throws(CommandFailure) -> Int32 { try request.run(context) }
    }
}

/// What `memsleuth free` was asked, however it was parsed.
struct FreeRequest: Equatable {
    var global: GlobalRequest
    var format = FreeFormat()
    /// `-s N`: repeat every N seconds.
    var seconds: Double? = nil
    /// `-c N`: print N times.
    var count: Int? = nil

    /// The plain forms: unit flags, -h -w -t -l -v --si alone or combined
    /// (`-hw`), `--json`, `--root`. Anything else (-s/-c, two units, help) → nil.
    static func fastParse(_ arguments: ArraySlice<String>) -> FreeRequest? {
        var parser = FastArguments(arguments)
        var format = FreeFormat()
        var unitSet = false
        func setUnit(_ unit: FreeFormat.Unit) -> Bool {
            guard !unitSet else { return false }
            unitSet = true
            format.unit = unit
            return true
        }
        while let argument = parser.next() {
            switch argument {
            case "--bytes": guard setUnit(.bytes) else { return nil }
            case "--kilo": guard setUnit(.kilo) else { return nil }
            case "--mega": guard setUnit(.mega) else { return nil }
            case "--giga": guard setUnit(.giga) else { return nil }
            case "--tera": guard setUnit(.tera) else { return nil }
            case "--peta": guard setUnit(.peta) else { return nil }
            case "--kibi": guard setUnit(.kibi) else { return nil }
            case "--mebi": guard setUnit(.mebi) else { return nil }
            case "--gibi": guard setUnit(.gibi) else { return nil }
            case "--tebi": guard setUnit(.tebi) else { return nil }
            case "--pebi": guard setUnit(.pebi) else { return nil }
            case "--human": format.human = true
            case "--si": format.si = true
            case "--lohi": format.lohi = true
            case "--total": format.total = true
            case "--committed": format.committed = true
            case "--wide": format.wide = true
            case _ where argument.hasPrefix("-") && !argument.hasPrefix("--") && argument.utf8.count > 1:
                for letter in argument.dropFirst() {
                    switch letter {
                    case "b": guard setUnit(.bytes) else { return nil }
                    case "k": guard setUnit(.kibi) else { return nil }
                    case "m": guard setUnit(.mebi) else { return nil }
                    case "g": guard setUnit(.gibi) else { return nil }
                    case "h": format.human = true
                    case "l": format.lohi = true
                    case "t": format.total = true
                    case "v": format.committed = true
                    case "w": format.wide = true
                    default: return nil
                    }
                }
            default: return nil
            }
        }
        guard !parser.failed else { return nil }
        return FreeRequest(global: parser.global, format: format)
    }

    func run(_ context: CommandContext) throws(CommandFailure) -> Int32 {
        let root = try global.procRoot(context.environment)
        let buffer = ReadBuffer()
        var printed = 0
        while true {
            let meminfo: KernelFiles.Meminfo
            do { meminfo = try root.meminfo(buffer: buffer) } catch { throw CommandFailure(error) }
            let summary = FreeSummary(meminfo)
            context.out.write(global.json ? FreeView.json(summary).rendered() + "\n" : FreeView.text(summary, format: format))
            printed += 1
            // procps: stop after COUNT frames; with -s or -c, a blank line and a wait between frames.
            if let count, printed >= count { return 0 }
            guard seconds != nil || count != nil else { return 0 }
            if printed == 1 { context.catchInterrupts() }
            if !global.json { context.out.write("\n") }
            context.sleep(seconds ?? 1)
            if context.shouldStop() { return 0 }
        }
    }
}
