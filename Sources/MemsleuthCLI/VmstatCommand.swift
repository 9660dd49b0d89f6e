import ArgumentParser
import KernelFiles
import Rendering

extension Memsleuth {
    /// `memsleuth vmstat` — being built (issue 2).
    struct Vmstat: MemsleuthCommand {
        static let configuration = CommandConfiguration(abstract: "Not built yet.")

        @OptionGroup var global: GlobalOptions

        var request: VmstatRequest { VmstatRequest(global: global.request) }

        func execute(_ context: CommandContext) throws(CommandFailure) -> Int32 { try request.run(context) }
    }
}

/// What `memsleuth vmstat` was asked, however it was parsed.
struct VmstatRequest: Equatable {
    var global: GlobalRequest

    static func fastParse(_ arguments: ArraySlice<String>) -> VmstatRequest? { nil }

    func run(_ context: CommandContext) throws(CommandFailure) -> Int32 {
        throw CommandFailure("vmstat is not built yet")
    }
}
