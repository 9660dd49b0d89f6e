import ArgumentParser
import KernelFiles
import Rendering

extension Memsleuth {
    /// `memsleuth buddy` — being built (issue 2).
    struct Buddy: MemsleuthCommand {
        static let configuration = CommandConfiguration(abstract: "Not built yet.")

        @OptionGroup var global: GlobalOptions

        var request: BuddyRequest { BuddyRequest(global: global.request) }

        func execute(_ context: CommandContext) throws(CommandFailure) -> Int32 { try request.run(context) }
    }
}

/// What `memsleuth buddy` was asked, however it was parsed.
struct BuddyRequest: Equatable {
    var global: GlobalRequest

    static func fastParse(_ arguments: ArraySlice<String>) -> BuddyRequest? { nil }

    func run(_ context: CommandContext) throws(CommandFailure) -> Int32 {
        throw CommandFailure("buddy is not built yet")
    }
}
