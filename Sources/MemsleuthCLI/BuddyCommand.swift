import ArgumentParser
import KernelFiles
import MemoryModel
import Rendering

extension Memsleuth {
    /// `memsleuth buddy`
    struct Buddy: MemsleuthCommand {
        static let configuration = CommandConfiguration(
            abstract: "Free blocks per order and zone (/proc/buddyinfo) as sizes, with the kernel's fragmentation indexes.")

        @OptionGroup var global: GlobalOptions

        var request: BuddyRequest { BuddyRequest(global: global.request) }

        func execute(_ context: CommandContext) throws(CommandFailure) -> Int32 { try request.run(context) }
    }
}

/// What `memsleuth buddy` was asked, however it was parsed.
struct BuddyRequest: Equatable {
    var global: GlobalRequest

    static func fastParse(_ arguments: ArraySlice<String>) -> BuddyRequest? {
        var parser = FastArguments(arguments)
        guard parser.next() == nil, !parser.failed else { return nil }
        return BuddyRequest(global: parser.global)
    }

    func run(_ context: CommandContext) throws(CommandFailure) -> Int32 {
        let root = try global.procRoot(context.environment)
        let buffer = ReadBuffer()
        // gather: buddyinfo is the view; zoneinfo and pagetypeinfo add to it when readable.
        let buddyinfo: Buddyinfo
        do { buddyinfo = try root.buddyinfo(buffer: buffer) } catch { throw CommandFailure(error) }
        var unavailable: [Unavailable] = []
        var zoneinfo: Zoneinfo?
        do { zoneinfo = try root.zoneinfo(buffer: buffer) } catch {
            unavailable.append(Unavailable(relative: "proc/zoneinfo", error: error))
        }
        var pagetypeinfo: Pagetypeinfo?
        do { pagetypeinfo = try root.pagetypeinfo(buffer: buffer) } catch {
            unavailable.append(Unavailable(relative: "proc/pagetypeinfo", error: error))
        }
        let pageSize = HostPageSize.of(root, buffer: buffer, zoneinfo: zoneinfo)
        // compute → render → print
        let table = BuddyTable(buddyinfo, pageSize: pageSize?.bytes)
        let extras = BuddyView.Extras(pageSize: pageSize, zoneinfo: zoneinfo, pagetypeinfo: pagetypeinfo, unavailable: unavailable)
        context.out.write(global.json ? BuddyView.json(table, extras).rendered() + "\n" : BuddyView.text(table, extras))
        return 0
    }
}
