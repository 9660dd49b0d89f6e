import ArgumentParser
import KernelFiles
import MemoryModel
import Rendering

extension Memsleuth {
    /// `memsleuth layout PID`
    struct Layout: MemsleuthCommand {
        static let configuration = CommandConfiguration(
            abstract: "A process's text, data, BSS, heap, stack, libraries and mappings, from maps and the ELF file; totals as pmap -x.")

        @OptionGroup var global: GlobalOptions

        @Argument(help: "The process id.", transform: ProcessTarget.pid)
        var pid: Int32

        var request: LayoutRequest { LayoutRequest(global: global.request, pid: pid) }

        func execute(_ context: CommandContext) throws(CommandFailure) -> Int32 { try request.run(context) }
    }
}

/// What `memsleuth layout` was asked.
struct LayoutRequest: Equatable {
    var global: GlobalRequest
    var pid: Int32

    func run(_ context: CommandContext) throws(CommandFailure) -> Int32 {
        let root = try global.procRoot(context.environment)
        try ProcessTarget.requireExists(pid, in: root)
        let buffer = ReadBuffer()
        var unavailable: [Unavailable] = []

        // Figures from smaps; maps alone (sizes only) when smaps cannot be read.
        let table: SmapsTable
        do {
            table = SmapsTable(try root.smaps(pid: pid, buffer: buffer))
        } catch {
            unavailable.append(Unavailable(relative: "proc/\(pid)/smaps", error: error))
            do { table = SmapsTable(maps: try root.processMaps(pid: pid, buffer: buffer)) } catch {
                throw ProcessTarget.failure(error, pid: pid)
            }
        }

        let (exePath, elf, exeProblem) = executable(root: root, buffer: buffer)
        let layout = ProcessLayout(
            rows: table.rows, executablePath: exePath, elf: elf, executableUnavailable: exeProblem,
            pageSize: HostPageSize.bytesOrAssumed(HostPageSize.of(root, buffer: buffer)))
        context.out.write(global.json
            ? LayoutView.json(pid: pid, layout, unavailable: unavailable).rendered() + "\n"
            : LayoutView.text(pid: pid, layout, unavailable: unavailable))
        return 0
    }

    /// The executable's path (readlink of `proc/PID/exe`, never followed)
    /// and its ELF headers, read at that path under the same root. A live
    /// process whose file was deleted or lives in another mount namespace
    /// is read through `/proc/PID/exe` itself, which the kernel keeps open.
    private func executable(root: ProcRoot, buffer: ReadBuffer) -> (String?, ElfFile?, String?) {
        let target: String
        do { target = try root.readLink("proc/\(pid)/exe") } catch {
            return (nil, nil, "cannot read \(error.path): \(error.reason)")
        }
        let path = target.hasSuffix(" (deleted)") ? String(target.dropLast(" (deleted)".count)) : target
        do { return (target, try root.elfFile(atAbsolutePath: path, buffer: buffer), nil) } catch {
            if root.isLive, let elf = try? root.parse("proc/\(pid)/exe", with: buffer, ElfFile.parse) {
                return (target, elf, nil)
            }
            return (target, nil, error.description)
        }
    }
}
