import Diagnosis
import KernelFiles
import MemoryModel
import Remedies
import Rendering

/// `memsleuth fix --watch DURATION`: samples the dentry and inode caches
/// every `--every`, shows each sample on stderr, and at the end (or on
/// SIGINT) says whether the cache grows back and how fast.
struct FixWatch {
    var request: FixListRequest
    var totalNanoseconds: Int64

    func run(_ context: CommandContext) throws(CommandFailure) -> Int32 {
        let root = try request.global.procRoot(context.environment)
        let interval = Double(request.everyNanoseconds) / 1e9
        let total = Double(totalNanoseconds) / 1e9
        let count = Int(total / interval) + 1
        let start = request.environment.now().monotonic
        var watch = RegrowthWatch()
        let buffer = ReadBuffer()
        var first: CacheFigures?
        for index in 0..<count {
            let figures = CacheFigures.read(root, buffer: buffer)
            let seconds = request.environment.now().monotonic - start
            watch.add(RegrowthWatch.Sample(seconds: seconds, figures))
            if first == nil { first = figures }
            if !request.global.json {
                context.err.write(FixView.watchProgress(index: index + 1, count: count, seconds: seconds,
                                                        figures: figures, first: first))
            }
            if index + 1 == count || context.shouldStop() { break }
            let elapsed = request.environment.now().monotonic - start
            context.sleep(max(0, Double(index + 1) * interval - elapsed))
            if context.shouldStop() { break }
        }
        context.out.write(request.global.json ? FixView.watchJSON(watch).rendered() + "\n" : FixView.watchText(watch))
        return 0
    }
}
