import ArgumentParser
import KernelFiles
import Remedies

extension Memsleuth.Fix {
    /// `memsleuth fix cache-pressure VALUE [--persist] [--apply]`
    struct CachePressureAction: MemsleuthCommand {
        static let configuration = CommandConfiguration(
            commandName: "cache-pressure",
            abstract: "Set vm.vfs_cache_pressure: how readily the kernel reclaims dentries and inodes.",
            discussion: "100 is the default; above it dentries and inodes are reclaimed sooner. It frees nothing at once.")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var fix: FixOptions

        @Argument(help: ArgumentHelp("The new value (e.g. 200).", valueName: "VALUE"))
        var value: UInt64

        @Flag(name: .long, help: "Also write it to /etc/sysctl.d/90-memsleuth.conf, so it survives a reboot.")
        var persist = false

        @Flag(name: .long, help: "Allow 0 (never reclaim dentries and inodes).")
        var force = false

        @Option(name: .customLong("sysctl-dir"), help: .hidden)
        var sysctlDirectory: String?

        func validate() throws {
            guard value <= 100_000 else { throw ValidationError("VALUE above 100000 makes no sense (the default is 100)") }
            if value == 0 && !force {
                throw ValidationError("0 stops the kernel from ever reclaiming dentries and inodes, which can run the host out of memory (add --force if you mean it)")
            }
        }

        var request: SysctlRequest {
            var environment = FixEnvironment(logDirectory: fix.logDirectory)
            if let sysctlDirectory { environment.sysctlDirectory = sysctlDirectory }
            return SysctlRequest(
                global: global.request, setting: .vfsCachePressure, action: "cache-pressure", value: value,
                apply: fix.apply, persist: persist, environment: environment,
                tradeOff: CachePressure.tradeOff(value),
                absent: "there is nothing to set here")
        }

        func execute(_ context: CommandContext) throws(CommandFailure) -> Int32 { try request.run(context) }
    }

    /// `memsleuth fix negative-dentries [--value 1] [--persist] [--apply]`
    struct NegativeDentriesAction: MemsleuthCommand {
        static let configuration = CommandConfiguration(
            commandName: "negative-dentries",
            abstract: "Set fs.dentry-negative (recent kernels): drop a file's dentry when the file is deleted.",
            discussion: NegativeDentries.explanation)

        @OptionGroup var global: GlobalOptions
        @OptionGroup var fix: FixOptions

        @Option(name: .long, help: ArgumentHelp("1 deletes the dentry with the file; 0 keeps it negative (the default).", valueName: "0|1"))
        var value: UInt64 = 1

        @Flag(name: .long, help: "Also write it to /etc/sysctl.d/90-memsleuth.conf, so it survives a reboot.")
        var persist = false

        @Option(name: .customLong("sysctl-dir"), help: .hidden)
        var sysctlDirectory: String?

        func validate() throws {
            guard value <= 1 else { throw ValidationError("--value must be 0 or 1") }
        }

        var request: SysctlRequest {
            var environment = FixEnvironment(logDirectory: fix.logDirectory)
            if let sysctlDirectory { environment.sysctlDirectory = sysctlDirectory }
            return SysctlRequest(
                global: global.request, setting: .dentryNegative, action: "negative-dentries", value: value,
                apply: fix.apply, persist: persist, environment: environment,
                tradeOff: NegativeDentries.explanation + " Cost: " + NegativeDentries.cost + ".",
                absent: "without it the kernel keeps a deleted file's dentry as a negative one, with no switch; "
                    + "fix drop-caches --level 2 frees negative dentries, fixing the program that makes them stops them")
        }

        func execute(_ context: CommandContext) throws(CommandFailure) -> Int32 { try request.run(context) }
    }
}
