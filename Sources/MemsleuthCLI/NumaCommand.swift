import ArgumentParser
import KernelFiles
import Rendering

extension Memsleuth {
    /// `memsleuth numa` — being built (issue 2).
    struct Numa: MemsleuthCommand {
        static let configuration = CommandConfiguration(abstract: "Not built yet.")

        @OptionGroup var global: GlobalOptions

        var request: NumaRequest { NumaRequest(global: global.request) }

        func execute(_ context: CommandContext) throws(CommandFailure) -> Int32 { try request.run(context) }
    }
}

/// What `memsleuth numa` was asked, however it was parsed.
struct NumaRequest: Equatable {
    var global: GlobalRequest

    static func fastParse(_ arguments: ArraySlice<String>) -> NumaRequest? { nil }

    func run(_ context: CommandContext) throws(CommandFailure) -> Int32 {
        throw CommandFailure("numa is not built yet")
    }
}
