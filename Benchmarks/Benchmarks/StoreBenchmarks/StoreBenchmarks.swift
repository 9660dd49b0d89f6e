import Benchmark
#if canImport(Glibc)
import Glibc
#endif
import GRDB
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

    // One store for every run of the benchmark, first sample written before
    // measuring: a recorder pays the first sample (every value, every name) once.
    let recordStore = temporaryStore()
    let recordCollector = SnapshotCollector(root: root, includeProcesses: true, includeCgroups: true)
    nonisolated(unsafe) var recordSelection = ProcessSelection(top: 20)
    if let (store, _) = recordStore { _ = try? store.append(recordCollector.collect()) }

    Benchmark("record sample (collect + pick + write)") { benchmark in
        guard let (store, _) = recordStore else { return }
        for _ in benchmark.scaledIterations {
            let snapshot = recordCollector.collect()
            var rows = snapshot.processes.map { recordSelection.pick($0) } ?? []
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

    Benchmark("collect only (processes + cgroups)") { benchmark in
        let collector = SnapshotCollector(root: root, includeProcesses: true, includeCgroups: true)
        for _ in benchmark.scaledIterations { blackHole(collector.collect()) }
    }

    // Two real snapshots taken 1 s apart, appended alternately: each append
    // writes their difference, as a recorder does. Bytes per sample: the
    // main file's growth after a checkpoint (the WAL is rewritten in place).
    let collector = SnapshotCollector(root: root, includeProcesses: true, includeCgroups: true)
    var selection = ProcessSelection(top: 20)
    let a = collector.collect()
    let rowsA = a.processes.map { selection.pick($0) } ?? []
    sleep(1)
    let b = collector.collect()
    let rowsB = b.processes.map { selection.pick($0) } ?? []
    func storeSize(_ store: HistoryDatabase) -> Int {
        (try? store.writer.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
            return (try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0) * (try Int.fetchOne(db, sql: "PRAGMA page_size") ?? 0)
        }) ?? 0
    }

    for (name, withProcesses) in [("store append only, host level", false), ("store append only, with processes", true)] {
        Benchmark(name, configuration: .init(
            metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .custom("bytes per sample", useScalingFactor: false)],
            warmupIterations: 0, maxDuration: .seconds(3), maxIterations: 1))
        { benchmark in
            guard let (store, _) = temporaryStore() else { return }
            _ = try? store.append(a, processes: withProcesses ? rowsA : [])
            let before = storeSize(store)
            let count = 500
            benchmark.startMeasurement()
            for index in 0..<count {
                let even = index % 2 == 0
                blackHole(try? store.append(even ? b : a, processes: withProcesses ? (even ? rowsB : rowsA) : []))
            }
            benchmark.stopMeasurement()
            benchmark.measurement(.custom("bytes per sample", useScalingFactor: false), (storeSize(store) - before) / count)
        }
    }
}
