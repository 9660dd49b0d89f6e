import ArgumentParser
import KernelFiles
import Rendering

extension Memsleuth {
    /// `memsleuth slabtop` — being built (issue 2).
    struct Slabtop: MemsleuthCommand {
        static let configuration = CommandConfiguration(abstract: "Not built yet.")

        @OptionGroup var global: GlobalOptions

        var request: SlabtopRequest { SlabtopRequest(global: global.request) }

        func execute(_ context: CommandContext) throws(CommandFailure) -> Int32 { try request.run(context) }
    }
}

/// What `memsleuth slabtop` was asked, however it was parsed.
struct SlabtopRequest: Equatable {
    var global: GlobalRequest

    static func fastParse(_ arguments: ArraySlice<String>) -> SlabtopRequest? { nil }

    func run(_ context: CommandContext) throws(CommandFailure) -> Int32 {
        throw CommandFailure("slabtop is not built yet")
    }
}
