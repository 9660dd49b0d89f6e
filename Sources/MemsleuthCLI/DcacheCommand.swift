import ArgumentParser
import KernelFiles
import Rendering

extension Memsleuth {
    /// `memsleuth dcache` — being built (issue 2).
    struct Dcache: MemsleuthCommand {
        static let configuration = CommandConfiguration(abstract: "Not built yet.")

        @OptionGroup var global: GlobalOptions

        var request: DcacheRequest { DcacheRequest(global: global.request) }

        func execute(_ context: CommandContext) throws(CommandFailure) -> Int32 { try request.run(context) }
    }
}

/// What `memsleuth dcache` was asked, however it was parsed.
struct DcacheRequest: Equatable {
    var global: GlobalRequest

    static func fastParse(_ arguments: ArraySlice<String>) -> DcacheRequest? { nil }

    func run(_ context: CommandContext) throws(CommandFailure) -> Int32 {
        throw CommandFailure("dcache is not built yet")
    }
}
