import Benchmark
#if canImport(Glibc)
import Glibc
#endif
import HistoryStore
import KernelFiles
import MemoryModel

// The issue-5 target: one recorded sample (collect with processes and
// cgroups, pick the processes that matter, write what changed) costs at
// most 1.3× merely reading the same files. Also what the write alone
// costs, and the store's growth in bytes per sample.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .syscalls],
        warmupIterations: 3,
        scalingFactor: .one,
        maxDuration: .seconds(3),
        maxIterations: 200)

    let root = ProcRoot("/")
    func temporaryStore() -> (HistoryDatabase, String)? {
        var template = Array("/tmp/memsleuth-bench-XXXXXX".utf8CString)
        let directory = template.withUnsafeMutableBufferPointer { buffer -> String? in
            guard let base = buffer.baseAddress, let made = mkdtemp(base) else { return nil }
            return String(cString: made)
        }
        guard let directory, let store = try? HistoryDatabase(path: directory + "/history.sqlite") else { return nil }
        return (store, directory + "/history.sqlite")
    }
    func fileSize(_ path: String) -> Int {
        var info = stat()
        var total = 0
        for suffix in ["", "-wal"] where stat(path + suffix, &info) == 0 { total += Int(info.st_size) }
        return total
    }

    Benchmark("record sample (collect + pick + write)") { benchmark in
        guard let (store, _) = temporaryStore() else { return }
        let collector = SnapshotCollector(root: root, includeProcesses: true, includeCgroups: true)
        var selection = ProcessSelection(top: 20)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            let snapshot = collector.collect()
            var rows = snapshot.processes.map { selection.pick($0) } ?? []
            _ = ProcessSweeper(root: root, pageSize: snapshot.pageSizeBytes).readDetails(&rows)
            blackHole(try? store.append(snapshot, processes: rows))
        }
    }

    Benchmark("record files read only") { benchmark in
        let snapshot = SnapshotCollector(root: root, includeProcesses: true, includeCgroups: true).collect()
        var selection = ProcessSelection(top: 20)
        let picked = snapshot.processes.map { selection.pick($0) } ?? []
        let files = snapshot.filesRead + picked.flatMap { ["proc/\($0.pid)/stat", "proc/\($0.pid)/cmdline"] }
        let buffer = ReadBuffer()
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            for file in files { try? root.read(file, into: buffer) }
            if let names = try? root.list("sys/kernel/slab") {
                for name in names { blackHole(try? root.readLink("sys/kernel/slab/" + name)) }
            }
            blackHole(buffer.count)
        }
    }

    // Two real snapshots taken 1 s apart, appended alternately: each append
    // writes their difference, as a recorder does.
    Benchmark("store append only", configuration: .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .syscalls, .custom("bytes per sample")])
    ) { benchmark in
        guard let (store, path) = temporaryStore() else { return }
        let collector = SnapshotCollector(root: root, includeProcesses: true, includeCgroups: true)
        let a = collector.collect()
        sleep(1)
        let b = collector.collect()
        _ = try? store.append(a)
        _ = try? store.append(b)
        let before = fileSize(path)
        var count = 0
        benchmark.startMeasurement()
        for index in benchmark.scaledIterations {
            blackHole(try? store.append(index % 2 == 0 ? a : b))
            count += 1
        }
        benchmark.stopMeasurement()
        benchmark.measurement(.custom("bytes per sample"), (fileSize(path) - before) / max(count, 1))
    }
}
