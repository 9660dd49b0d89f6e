import ArgumentParser
import KernelFiles
import Rendering

extension Memsleuth {
    /// `memsleuth layout` — being built (issue 3).
    struct Layout: MemsleuthCommand {
        static let configuration = CommandConfiguration(abstract: "Not built yet.")

        @OptionGroup var global: GlobalOptions

        func execute(_ context: CommandContext) throws(CommandFailure) -> Int32 {
            throw CommandFailure("layout is not built yet")
        }
    }
}
