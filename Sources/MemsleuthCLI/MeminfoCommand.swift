import ArgumentParser
import KernelFiles
import Rendering

extension Memsleuth {
    /// `memsleuth meminfo`
    struct Meminfo: MemsleuthCommand {
        static let configuration = CommandConfiguration(
            abstract: "Every /proc/meminfo field, sizes in bytes (--json) or binary units.")

        @OptionGroup var global: GlobalOptions

        var request: MeminfoRequest { MeminfoRequest(global: global.request) }

        func execute(_ context: CommandContext) throws(CommandFailure) -> Int32 { try request.run(context) }
    }
}

/// What `memsleuth meminfo` was asked, however it was parsed.
struct MeminfoRequest: Equatable {
    var global: GlobalRequest

    static func fastParse(_ arguments: ArraySlice<String>) -> MeminfoRequest? {
        var parser = FastArguments(arguments)
        guard parser.next() == nil, !parser.failed else { return nil }
        return MeminfoRequest(global: parser.global)
    }

    func run(_ context: CommandContext) throws(CommandFailure) -> Int32 {
        let root = try global.procRoot(context.environment)
        let meminfo: KernelFiles.Meminfo
        do { meminfo = try root.meminfo(buffer: ReadBuffer()) } catch { throw CommandFailure(error) }
        context.out.write(global.json ? MeminfoView.json(meminfo).rendered() + "\n" : MeminfoView.text(meminfo))
        return 0
    }
}
