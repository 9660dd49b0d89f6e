#if canImport(Glibc)
import Glibc
#endif
import HistoryStore
import KernelFiles
import MemoryModel

// Writes a history store as `memsleuth record --interval 10s` leaves it after
// DAYS days (default 30): raw 10-s samples for the last day, one per minute
// to 7 days, one per hour beyond (the store's downsampling tiers), each a
// real snapshot of this host (two, taken a second apart, alternated so that
// every sample writes what changed, as a recorder does). For timing the
// doctor over a month of history (scripts/bench-history).
//
//   MakeHistoryStore PATH [DAYS]
/// A line on stderr (plain write(2): the C `stderr` global is not
/// concurrency-safe in Swift 6 mode).
func say(_ text: String) {
    var line = text + "\n"
    line.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
}

let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    say("usage: MakeHistoryStore PATH [DAYS]")
    exit(64)
}
let path = arguments[1]
let days = arguments.count > 2 ? Int64(arguments[2]) ?? 30 : 30
unlink(path); unlink(path + "-wal"); unlink(path + "-shm")

let collector = SnapshotCollector(root: ProcRoot("/"), includeProcesses: true, includeCgroups: true)
var selection = ProcessSelection(top: 20)
let a = collector.collect()
let rowsA = a.processes.map { selection.pick($0) } ?? []
sleep(1)
let b = collector.collect()
let rowsB = b.processes.map { selection.pick($0) } ?? []

let store: HistoryDatabase
do { store = try HistoryDatabase(path: path) } catch {
    say("MakeHistoryStore: \(error)")
    exit(1)
}
let end = WallTime.now().seconds
var t = end - days * 86_400
var count = 0
while t <= end {
    let age = end - t
    let even = count % 2 == 0
    var snapshot = even ? a : b
    snapshot.time = WallTime(seconds: t, nanoseconds: 0, monotonic: Double(t - end + days * 86_400))
    do { _ = try store.append(snapshot, processes: even ? rowsA : rowsB) } catch {
        say("MakeHistoryStore: append: \(error)")
        exit(1)
    }
    count += 1
    if count % 2000 == 0 { say("MakeHistoryStore: \(count) samples") }
    t += age > 7 * 86_400 ? 3600 : age > 86_400 ? 60 : 10
}
print("\(count) samples over \(days) days in \(path)")
