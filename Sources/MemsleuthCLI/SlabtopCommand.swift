import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif
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
        let sampler = SlabSampler(root: root)
        if once || global.json || !context.environment.isTerminal {
            let sample = try sampler.sample()
            let table = sample.table(sort: sort, previous: nil)
            if global.json {
                let json = SlabtopView.json(table, version: sample.slabinfo.version, unavailable: sample.unavailable)
                context.out.write(json.rendered() + "\n")
            } else {
                context.out.write(SlabtopView.text(table))
            }
            return 0
        }
        var previous: SlabSample?
        while true {
            let sample = try sampler.sample()
            let table = sample.table(sort: sort, previous: previous)
            context.out.write(SlabtopView.frame(table, terminalRows: context.environment.terminalRows))
            previous = sample
            if context.shouldStop() { break }
            context.sleep(delay)
            if context.shouldStop() { break }
        }
        return 0
    }
}

/// One reading of the slab sources at a moment.
struct SlabSample {
    var slabinfo: Slabinfo
    var directory: SlabCacheDirectory?
    var reclaimable: [String: Bool]
    var unavailable: [Unavailable]
    var pageSize: UInt64
    /// CLOCK_MONOTONIC seconds when read.
    var time: Double

    func table(sort: SlabTable.SortKey, previous: SlabSample?) -> SlabTable {
        SlabTable(
            slabinfo: slabinfo, pageSize: pageSize, sort: sort, directory: directory, reclaimable: reclaimable,
            previous: previous.map { (slabinfo: $0.slabinfo, seconds: time - $0.time) })
    }
}

/// Reads /proc/slabinfo (required) and /sys/kernel/slab (optional).
struct SlabSampler {
    let root: ProcRoot
    let buffer = ReadBuffer()
    /// The host's page size (HostFacts: sysconf live, a tree's manifest.json
    /// otherwise), read once: CACHE SIZE depends on it.
    let pageSize: UInt64

    init(root: ProcRoot) {
        self.root = root
        self.pageSize = root.hostFacts(buffer: buffer).pageSize
    }

    func sample() throws(CommandFailure) -> SlabSample {
        let slabinfo: Slabinfo
        do { slabinfo = try root.slabinfo(buffer: buffer) } catch {
            throw CommandFailure(error, remedy: Unavailable(relative: "proc/slabinfo", error: error).remedy)
        }
        var unavailable: [Unavailable] = []
        var directory: SlabCacheDirectory?
        var reclaimable: [String: Bool] = [:]
        do {
            let listing = try root.slabCacheDirectory()
            directory = listing
            for cache in slabinfo.caches {
                guard let name = listing.directory(of: cache.name) else { continue }
                do {
                    if let flag = try root.slabReclaimAccount(name, buffer: buffer) { reclaimable[cache.name] = flag }
                } catch {
                    unavailable.append(Unavailable(relative: "sys/kernel/slab/\(name)/reclaim_account", error: error))
                }
            }
        } catch {
            unavailable.append(Unavailable(relative: "sys/kernel/slab", error: .read(error)))
        }
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return SlabSample(
            slabinfo: slabinfo, directory: directory, reclaimable: reclaimable, unavailable: unavailable,
            pageSize: pageSize, time: Double(now.tv_sec) + Double(now.tv_nsec) / 1e9)
    }
}
