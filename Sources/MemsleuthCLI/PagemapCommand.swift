import ArgumentParser
import KernelFiles
import Rendering

extension Memsleuth {
    /// `memsleuth pagemap` — being built (issue 3).
    struct Pagemap: MemsleuthCommand {
        static let configuration = CommandConfiguration(abstract: "Not built yet.")

        @OptionGroup var global: GlobalOptions

        func execute(_ context: CommandContext) throws(CommandFailure) -> Int32 {
            throw CommandFailure("pagemap is not built yet")
        }
    }
}
