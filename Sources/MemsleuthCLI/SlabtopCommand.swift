import ArgumentParser
import KernelFiles
import MemoryModel
import Rendering

extension Memsleuth {
    /// `memsleuth slabtop`
    struct Slabtop: MemsleuthCommand {
        static let configuration = CommandConfiguration(
            abstract: "Slab caches as procps slabtop shows them, with growth between refreshes.",
            discussion: "Prints once with --once, --json or when stdout is not a terminal; otherwise refreshes in place.")

        @OptionGroup var global: GlobalOptions

        @Flag(name: .long, help: "Print once and exit (as slabtop -o).")
        var once = false

        @Option(name: .long, help: "Order of the caches: objs (the default, as slabtop), active, size, name or growth.")
        var sort: SlabtopSortOption = .objs

        @Option(name: .long, help: ArgumentHelp("Seconds between refreshes.", valueName: "SECONDS"))
        var delay: Double = SlabtopRequest.defaultDelay

        func validate() throws {
            guard delay > 0, delay.isFinite else { throw ValidationError("--delay must be a positive number of seconds") }
        }

        var request: SlabtopRequest {
            SlabtopRequest(global: global.request, once: once, sort: sort.key, delay: delay)
        }

        func execute(_ context: CommandContext) throws(CommandFailure) -> Int32 { try request.run(context) }
    }
}

/// `--sort` values for argument-parser.
enum SlabtopSortOption: String, ExpressibleByArgument, CaseIterable {
    case objs, active, size, name, growth

    var key: SlabTable.SortKey { SlabTable.SortKey(rawValue: rawValue) ?? .objs }
}

/// What `memsleuth slabtop` was asked, however it was parsed.
struct SlabtopRequest: Equatable {
    static let defaultDelay = 3.0

    var global: GlobalRequest
    var once = false
    var sort: SlabTable.SortKey = .objs
    var delay: Double = SlabtopRequest.defaultDelay

    /// `--once`, `--sort KEY`, `--sort=KEY`, `--json`, `--root DIR`; nil for anything else.
    static func fastParse(_ arguments: ArraySlice<String>) -> SlabtopRequest? {
        var parser = FastArguments(arguments)
        var request = SlabtopRequest(global: GlobalRequest(root: "/", json: false))
        while let argument = parser.next() {
            switch argument {
            case "--once": request.once = true
            case "--sort":
                guard let value = parser.value(), let key = SlabTable.SortKey(rawValue: value) else { return nil }
                request.sort = key
            case _ where argument.hasPrefix("--sort="):
                guard let key = SlabTable.SortKey(rawValue: String(argument.dropFirst("--sort=".count))) else { return nil }
                request.sort = key
            default: return nil
            }
        }
        guard !parser.failed else { return nil }
        request.global = parser.global
        return request
    }

    func run(_ context: CommandContext) throws(CommandFailure) -> Int32 {
        let root = try global.procRoot(context.environment)
        // The text views show what slabtop shows; only JSON carries the
        // per-cache sysfs facts (reclaimable, aliases), which cost one or
        // two syscalls per cache — too much for a view that must beat
        // `slabtop -o` (docs/PERFORMANCE.md).
        let sampler = SlabSampler(root: root, includeSysfs: global.json)
        // CACHE SIZE depends on the sampled host's page size, read once.
        let pageSize = HostPageSize.bytesOrAssumed(HostPageSize.of(root, buffer: sampler.buffer))
        func sample() throws(CommandFailure) -> SlabSample {
            do { return try sampler.sample() } catch {
                throw CommandFailure(error, remedy: Unavailable(relative: "proc/slabinfo", error: error).remedy)
            }
        }
        if once || global.json || !context.environment.isTerminal {
            let sample = try sample()
            let table = sample.table(sort: sort, previous: nil, pageSize: pageSize)
            if global.json {
                let json = SlabtopView.json(table, version: sample.slabinfo.version, unavailable: sample.unavailable)
                context.out.write(json.rendered() + "\n")
            } else {
                context.out.write(SlabtopView.text(table))
            }
            return 0
        }
        var previous: SlabSample?
        context.catchInterrupts()
        while true {
            let sample = try sample()
            let table = sample.table(sort: sort, previous: previous, pageSize: pageSize)
            context.out.write(SlabtopView.frame(table, terminalRows: context.environment.terminalRows))
            previous = sample
            if context.shouldStop() { break }
            context.sleep(delay)
            if context.shouldStop() { break }
        }
        return 0
    }
}
