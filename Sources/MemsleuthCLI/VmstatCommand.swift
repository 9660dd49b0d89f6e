#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import KernelFiles
import MemoryModel
import Rendering

extension Memsleuth {
    /// `memsleuth vmstat [DELAY [COUNT]] [-s] [-S UNIT]`
    struct Vmstat: MemsleuthCommand {
        static let configuration = CommandConfiguration(
            abstract: "The procps vmstat columns: a since-boot line, then rates every DELAY seconds.",
            discussion: """
                Without DELAY one line is printed (averages since boot, computed as procps-ng 4 does). \
                With DELAY and no COUNT it repeats until interrupted. A counter that went backwards \
                between two samples is shown as "-" (JSON null), never as a negative rate.

                --json with no DELAY or with a COUNT prints one document {"samples": [...]} at the end; \
                with DELAY and no COUNT it prints one compact JSON object per line as each sample \
                is taken. JSON memory is in bytes and swap.si/so, io.bi/bo are bytes per second; \
                each sample carries "rates_since": "boot" or "previous" and memory pressure (PSI).
                """)

        @Argument(help: "Seconds between samples (a whole number, 1 or more).")
        var delay: String?

        @Argument(help: "How many lines to print (default: forever when DELAY is given).")
        var count: String?

        @Flag(name: [.short, .long], help: "The vmstat -s table: memory totals and event counters since boot.")
        var stats = false

        @Option(name: [.customShort("S"), .customLong("unit")], help: ArgumentHelp(
            "Memory unit for text: k (1000), K (1024, default), m (1000000) or M (1048576).", valueName: "UNIT"))
        var unit: String?

        @OptionGroup var global: GlobalOptions

        func validate() throws {
            _ = try parsedRequest()
        }

        func parsedRequest() throws(ValidationError) -> VmstatRequest {
            var request = VmstatRequest(global: global.request, stats: stats)
            if let delay {
                guard let seconds = VmstatRequest.parseDelay(delay) else {
                    throw ValidationError("DELAY must be a whole number of seconds from 1 to \(UInt32.max), got \"\(delay)\"")
                }
                request.delay = seconds
            }
            if let count {
                guard let lines = UInt64(count) else {
                    throw ValidationError("COUNT must be a whole number of lines, got \"\(count)\"")
                }
                request.count = lines
            }
            if let unit {
                guard unit.count == 1, let letter = unit.first, let parsed = VmstatUnit(rawValue: letter),
                    parsed != .bytes
                else { throw ValidationError("-S requires k, K, m or M (default is KiB), got \"\(unit)\"") }
                request.unit = parsed
            }
            return request
        }

        func execute(_ context: CommandContext) throws(CommandFailure) -> Int32 {
            let request: VmstatRequest
            do { request = try parsedRequest() } catch { throw CommandFailure(error.message, exitCode: 64) }
            return try request.run(context)
        }
    }
}

/// What `memsleuth vmstat` was asked, however it was parsed.
struct VmstatRequest: Equatable {
    var global: GlobalRequest
    /// Seconds between samples; nil prints the since-boot line only.
    var delay: UInt64?
    /// Lines to print; nil with a delay repeats until stopped.
    var count: UInt64?
    var stats = false
    var unit: VmstatUnit = .K

    init(global: GlobalRequest, delay: UInt64? = nil, count: UInt64? = nil, stats: Bool = false, unit: VmstatUnit = .K) {
        self.global = global
        self.delay = delay
        self.count = count
        self.stats = stats
        self.unit = unit
    }

    /// procps accepts 1 … UINT_MAX seconds.
    static func parseDelay(_ text: String) -> UInt64? {
        guard let seconds = UInt64(text), seconds >= 1, seconds <= UInt64(UInt32.max) else { return nil }
        return seconds
    }

    /// `vmstat`, `vmstat 2 5`, `vmstat -s`, with `--json`/`--root`; anything
    /// else (units, help, a bad DELAY) goes to argument-parser.
    static func fastParse(_ arguments: ArraySlice<String>) -> VmstatRequest? {
        var parser = FastArguments(arguments)
        var positionals: [String] = []
        var stats = false
        while let argument = parser.next() {
            switch argument {
            case "-s", "--stats": stats = true
            case _ where argument.hasPrefix("-"): return nil
            default: positionals.append(argument)
            }
        }
        guard !parser.failed, positionals.count <= 2 else { return nil }
        var request = VmstatRequest(global: parser.global, stats: stats)
        if let first = positionals.first {
            guard let delay = parseDelay(first) else { return nil }
            request.delay = delay
        }
        if positionals.count == 2 {
            guard let count = UInt64(positionals[1]) else { return nil }
            request.count = count
        }
        return request
    }

    func run(_ context: CommandContext) throws(CommandFailure) -> Int32 {
        let root = try global.procRoot(context.environment)
        let reader = VmstatReader(root: root)
        var attempt = SourceAttempt(root: root)
        var previous: VmstatSample
        do { previous = try reader.sample(&attempt) } catch { throw CommandFailure(error) }
        let unavailable = attempt.unavailable

        if stats {
            let table = VmstatStats(previous)
            context.out.write(global.json ? VmstatView.statsJSON(table).rendered() + "\n" : VmstatView.stats(table, unit: unit))
            return 0
        }

        let hz = UInt64(max(sysconf(Int32(_SC_CLK_TCK)), 1))
        // The page size is the captured host's (a bundle's manifest), not ours.
        let pageSize = HostPageSize.bytesOrAssumed(HostPageSize.of(root, buffer: reader.buffer))
        let streaming = global.json && delay != nil && count == nil
        let rowUnit: VmstatUnit = global.json ? .bytes : unit
        var rows: [JSONValue] = []
        func emit(_ row: VmstatRow) {
            if streaming {
                var object = VmstatView.json(row)
                if case .object(var members) = object {
                    members.append(("unavailable", VmstatView.unavailable(unavailable)))
                    object = .object(members)
                }
                context.out.write(object.rendered(pretty: false) + "\n")
            } else if global.json {
                rows.append(VmstatView.json(row))
            } else {
                context.out.write(VmstatView.line(row))
            }
        }

        if !global.json { context.out.write(VmstatView.header) }
        emit(VmstatRow.sinceBoot(previous, hz: hz, pageSize: pageSize, unit: rowUnit))

        if let delay {
            context.catchInterrupts()
            // procps repeats the header every (terminal rows − 3) lines.
            let height = UInt64(context.environment.terminalRows > 3 ? context.environment.terminalRows - 3 : 22)
            var line: UInt64 = 1
            while count.map({ line < $0 }) ?? true {
                if context.shouldStop() { break }
                context.sleep(Double(delay))
                if context.shouldStop() { break }
                // Later samples list nothing new: the first one's unavailable stands.
                var ignored = SourceAttempt(root: root)
                let current: VmstatSample
                do { current = try reader.sample(&ignored) } catch { throw CommandFailure(error) }
                if !global.json && line % height == 0 { context.out.write(VmstatView.header) }
                emit(VmstatRow.between(previous, current, delay: delay, pageSize: pageSize, unit: rowUnit))
                previous = current
                line += 1
            }
        }

        if global.json && !streaming {
            let document = JSONValue.object([
                ("samples", .array(rows)),
                ("unavailable", VmstatView.unavailable(unavailable)),
            ])
            context.out.write(document.rendered() + "\n")
        }
        return 0
    }
}
