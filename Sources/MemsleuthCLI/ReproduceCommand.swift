import ArgumentParser
import Rendering
import SlabTrace

extension Memsleuth {
    /// `memsleuth reproduce`: rehearse an incident.
    struct Reproduce: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Rehearse an incident safely, to see detection and attribution work.",
            subcommands: [DentryLeak.self])
    }

    /// `memsleuth reproduce dentry-leak`
    struct DentryLeak: MemsleuthCommand {
        static let configuration = CommandConfiguration(
            commandName: "dentry-leak",
            abstract: "A negative-dentry storm as the incident's health check made it.",
            discussion: """
                A parent shell script starts short-lived `nss-probe` processes RATE times a second; \
                each looks up PROBES names that do not exist, as NSS's sqlite database code does, \
                leaving negative dentries. NSS_SDB_USE_CACHE=yes in the environment turns the probing \
                off, as it does in NSS. Everything is made under --dir and removed at the end (which \
                also prunes the negative dentries); --keep leaves it, for `memsleuth doctor` to find.
                """)

        @Flag(name: .long, help: "Print one JSON document on stdout and nothing else there.")
        var json = false

        @Option(name: .long, help: ArgumentHelp("Probers started per second (5/s or 5).", valueName: "RATE"))
        var rate = RateArgument(perSecond: 5)

        @Option(name: .long, help: "Missing names each prober looks up.")
        var probes = 4000

        @Option(name: .long, help: ArgumentHelp("How long to run (60s, 2m).", valueName: "DURATION"))
        var duration = DurationArgument(seconds: 60)

        @Option(name: .long, help: ArgumentHelp("Where to make the rehearsal's directory.", valueName: "DIR"))
        var dir = "/tmp"

        @Flag(name: .long, help: "Leave the directory and its negative dentries behind.")
        var keep = false

        func validate() throws {
            guard probes > 0, probes <= 10_000_000 else { throw ValidationError("--probes must be between 1 and 10000000") }
            guard rate.perSecond <= 1000 else { throw ValidationError("--rate must be at most 1000/s") }
            guard !dir.isEmpty else { throw ValidationError("--dir needs a directory") }
        }

        func execute(_ context: CommandContext) throws(CommandFailure) -> Int32 {
            var rehearsal = DentryLeakRehearsal(ratePerSecond: rate.perSecond, probes: probes,
                                                durationSeconds: duration.seconds, parent: dir)
            rehearsal.keep = keep
            context.catchInterrupts()
            let outcome: DentryLeakRehearsal.Outcome
            do { outcome = try rehearsal.run(shouldStop: context.shouldStop) } catch { throw CommandFailure(error.message) }
            if json {
                context.out.write(ReproduceView.json(outcome, rate: rate.perSecond, probes: probes).rendered() + "\n")
            } else {
                context.out.write(ReproduceView.text(outcome, probes: probes))
            }
            return 0
        }
    }
}

/// `5/s` or `5`: a rate per second.
struct RateArgument: ExpressibleByArgument, Equatable {
    var perSecond: Double

    init(perSecond: Double) { self.perSecond = perSecond }

    init?(argument: String) {
        let text = argument.hasSuffix("/s") ? String(argument.dropLast(2)) : argument
        guard let value = Double(text), value > 0, value.isFinite else { return nil }
        perSecond = value
    }

    var defaultValueDescription: String { "\(perSecond == perSecond.rounded() ? String(Int(perSecond)) : String(perSecond))/s" }
}
