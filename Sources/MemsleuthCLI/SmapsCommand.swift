import ArgumentParser
import KernelFiles
import Rendering

extension Memsleuth {
    /// `memsleuth smaps` — being built (issue 3).
    struct Smaps: MemsleuthCommand {
        static let configuration = CommandConfiguration(abstract: "Not built yet.")

        @OptionGroup var global: GlobalOptions

        func execute(_ context: CommandContext) throws(CommandFailure) -> Int32 {
            throw CommandFailure("smaps is not built yet")
        }
    }
}
