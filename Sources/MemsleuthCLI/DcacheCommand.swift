import ArgumentParser
import KernelFiles
import MemoryModel
import Rendering

extension Memsleuth {
    /// `memsleuth dcache`: dentry, inode and file caches and the vm settings.
    struct Dcache: MemsleuthCommand {
        static let configuration = CommandConfiguration(
            abstract: "The dentry, inode and file-handle caches (/proc/sys/fs) and the vm sysctls that govern them.")

        @OptionGroup var global: GlobalOptions

        var request: DcacheRequest { DcacheRequest(global: global.request) }

        func execute(_ context: CommandContext) throws(CommandFailure) -> Int32 { try request.run(context) }
    }
}

/// What `memsleuth dcache` was asked, however it was parsed.
struct DcacheRequest: Equatable {
    var global: GlobalRequest

    static func fastParse(_ arguments: ArraySlice<String>) -> DcacheRequest? {
        var parser = FastArguments(arguments)
        guard parser.next() == nil, !parser.failed else { return nil }
        return DcacheRequest(global: parser.global)
    }

    func run(_ context: CommandContext) throws(CommandFailure) -> Int32 {
        let root = try global.procRoot(context.environment)
        let report = DcacheReport.read(root, buffer: ReadBuffer())
        guard !report.hasNoCaches else {
            let first = report.unavailable.first
            throw CommandFailure("cannot read \(first?.source ?? "/proc/sys/fs"): \(first?.reason ?? "no data")"
                + (first?.remedy.map { " (\($0))" } ?? ""))
        }
        context.out.write(global.json ? DcacheView.json(report).rendered() + "\n" : DcacheView.text(report))
        return 0
    }
}
