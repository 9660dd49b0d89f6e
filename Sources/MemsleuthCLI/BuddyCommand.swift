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
        let reading: BuddyReading
        do { reading = try BuddyReading.read(root, buffer: buffer) } catch { throw CommandFailure(error) }
        let pageSize = HostPageSize.of(root, buffer: buffer, zoneinfo: reading.zoneinfo)
        // compute → render → print
        let table = reading.table(pageSize: pageSize)
        let extras = BuddyView.Extras(reading, pageSize: pageSize)
        context.out.write(global.json ? BuddyView.json(table, extras).rendered() + "\n" : BuddyView.text(table, extras))
        return 0
    }
}
