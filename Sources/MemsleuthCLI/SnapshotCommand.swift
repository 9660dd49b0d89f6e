import ArgumentParser
import KernelFiles
import Rendering

extension Memsleuth {
    /// `memsleuth snapshot` — being built (issue 2).
    struct Snapshot: MemsleuthCommand {
        static let configuration = CommandConfiguration(abstract: "Not built yet.")

        @OptionGroup var global: GlobalOptions

        func execute(_ context: CommandContext) throws(CommandFailure) -> Int32 {
            throw CommandFailure("snapshot is not built yet")
        }
    }
}
