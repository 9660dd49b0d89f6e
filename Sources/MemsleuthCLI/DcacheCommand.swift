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
        let buffer = ReadBuffer()
        var unavailable: [Unavailable] = []
        func gather<T>(_ read: () throws(SourceError) -> T) -> T? {
            do { return try read() } catch {
                // Name the file that failed, as the host names it (root prefix removed).
                let relative = String(error.path.dropFirst(root.prefix.count + 1))
                unavailable.append(Unavailable(relative: relative, error: error))
                return nil
            }
        }
        let dentries = gather { () throws(SourceError) in try root.dentryState(buffer: buffer) }
        // inode-state and inode-nr carry the same two counters; use inode-nr
        // only where a kernel or capture lacks inode-state.
        let inodes = root.exists("proc/sys/fs/inode-state") || !root.exists("proc/sys/fs/inode-nr")
            ? gather { () throws(SourceError) in try root.inodeState(buffer: buffer) }
            : gather { () throws(SourceError) in try root.inodeNr(buffer: buffer) }
        let files = gather { () throws(SourceError) in try root.fileNr(buffer: buffer) }
        let sysctls = gather { () throws(SourceError) in try root.vmSysctls(buffer: buffer) }
        let report = DcacheReport(dentries: dentries, inodes: inodes, files: files, sysctls: sysctls,
                                  unavailable: unavailable)
        guard report.dentries != nil || report.inodes != nil || report.files != nil else {
            let first = unavailable.first
            throw CommandFailure("cannot read \(first?.source ?? "/proc/sys/fs"): \(first?.reason ?? "no data")"
                + (first?.remedy.map { " (\($0))" } ?? ""))
        }
        context.out.write(global.json ? DcacheView.json(report).rendered() + "\n" : DcacheView.text(report))
        return 0
    }
}
