import ArgumentParser
import KernelFiles
import Rendering

extension Memsleuth {
    /// `memsleuth ps` — being built (issue 3).
    struct Ps: MemsleuthCommand {
        static let configuration = CommandConfiguration(abstract: "Not built yet.")

        @OptionGroup var global: GlobalOptions

        func execute(_ context: CommandContext) throws(CommandFailure) -> Int32 {
            throw CommandFailure("ps is not built yet")
        }
    }
}
