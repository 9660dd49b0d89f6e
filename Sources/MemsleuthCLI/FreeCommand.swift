import ArgumentParser
import KernelFiles
import Rendering

extension Memsleuth {
    /// `memsleuth free` — being built (issue 2).
    struct Free: MemsleuthCommand {
        static let configuration = CommandConfiguration(abstract: "Not built yet.")

        @OptionGroup var global: GlobalOptions

        var request: FreeRequest { FreeRequest(global: global.request) }

        func execute(_ context: CommandContext) throws(CommandFailure) -> Int32 { try request.run(context) }
    }
}

/// What `memsleuth free` was asked, however it was parsed.
struct FreeRequest: Equatable {
    var global: GlobalRequest

    static func fastParse(_ arguments: ArraySlice<String>) -> FreeRequest? { nil }

    func run(_ context: CommandContext) throws(CommandFailure) -> Int32 {
        throw CommandFailure("free is not built yet")
    }
}
