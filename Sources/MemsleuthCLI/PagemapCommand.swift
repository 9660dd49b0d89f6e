import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif
import KernelFiles
import MemoryModel
import Rendering

extension Memsleuth {
    /// `memsleuth pagemap PID ADDRESS`
    struct Pagemap: MemsleuthCommand {
        static let configuration = CommandConfiguration(
            abstract: "Virtual to physical: the page frame behind one address of a process, present/swapped, file/anon, exclusive, soft-dirty, huge.",
            discussion: "Frame numbers and kpageflags need root (CAP_SYS_ADMIN); without it the kernel reads PFNs as 0 and memsleuth says so.")

        @OptionGroup var global: GlobalOptions

        @Argument(help: "The process id.", transform: ProcessTarget.pid)
        var pid: Int32

        @Argument(help: "A virtual address, hex (0x7f…) or decimal.", transform: PagemapRequest.address)
        var address: UInt64

        var request: PagemapRequest { PagemapRequest(global: global.request, pid: pid, address: address) }

        func execute(_ context: CommandContext) throws(CommandFailure) -> Int32 { try request.run(context) }
    }
}

/// What `memsleuth pagemap` was asked.
struct PagemapRequest: Equatable {
    var global: GlobalRequest
    var pid: Int32
    var address: UInt64

    /// `0x7ffd…` (hex) or decimal; a usage error otherwise.
    static func address(_ text: String) throws -> UInt64 {
        let value: UInt64?
        if text.hasPrefix("0x") || text.hasPrefix("0X") {
            value = UInt64(text.dropFirst(2), radix: 16)
        } else {
            value = UInt64(text, radix: 10)
        }
        guard let value else { throw ValidationError("ADDRESS must be hex (0x7f…) or decimal, not \"\(text)\"") }
        return value
    }

    func run(_ context: CommandContext) throws(CommandFailure) -> Int32 {
        let root = try global.procRoot(context.environment)
        try ProcessTarget.requireExists(pid, in: root)
        let buffer = ReadBuffer()
        var unavailable: [Unavailable] = []
        let pageSize = HostPageSize.bytesOrAssumed(HostPageSize.of(root, buffer: buffer))

        var mapping: MapsEntry?
        do { mapping = try root.processMaps(pid: pid, buffer: buffer).mapping(containing: address) } catch {
            unavailable.append(Unavailable(relative: "proc/\(pid)/maps", error: error))
        }
        // Only CAP_SYS_ADMIN sees frame numbers; a capture is taken at its word.
        let pfnVisible = root.isLive ? geteuid() == 0 : false
        let entry: PagemapEntry
        do { entry = try root.pagemapEntry(pid: pid, address: address, pageSize: pageSize, pfnVisible: pfnVisible) } catch {
            throw ProcessTarget.failure(error, pid: pid)
        }
        var flags: KernelPageFlags?
        if let pfn = entry.pfn {
            do { flags = try root.kernelPageFlags(pfn: pfn) } catch {
                unavailable.append(Unavailable(relative: "proc/kpageflags", error: error))
            }
        } else if entry.pfnHidden {
            unavailable.append(Unavailable(
                source: "/proc/\(pid)/pagemap (PFN)", reason: "hidden without CAP_SYS_ADMIN (reads 0 since Linux 4.0)",
                remedy: "run as root to see the page frame and its kpageflags"))
        }
        let walk = PageWalk(pid: pid, address: address, pageSize: pageSize, mapping: mapping, entry: entry, pageFlags: flags)
        context.out.write(global.json
            ? PagemapView.json(walk, unavailable: unavailable).rendered() + "\n"
            : PagemapView.text(walk, unavailable: unavailable))
        return 0
    }
}
