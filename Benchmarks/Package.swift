// swift-tools-version:6.1
import PackageDescription

/// One benchmark suite: `Benchmarks/NAME`, run by the benchmark plugin, with
/// the framework and memsleuth's reading layer plus what it adds.
func suite(_ name: String, adding extra: [Target.Dependency] = []) -> Target {
    .executableTarget(
        name: name,
        dependencies: [
            .product(name: "Benchmark", package: "benchmark"),
            .product(name: "KernelFiles", package: "memsleuth"),
            .product(name: "MemoryModel", package: "memsleuth"),
        ] + extra,
        path: "Benchmarks/" + name,
        plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")])
}

// A package of its own so that the main package (and CI's `swift test`)
// never builds the benchmark framework. Run with scripts/bench.
let package = Package(
    name: "memsleuth-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "memsleuth", path: ".."),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        suite("KernelFilesBenchmarks"),
        suite("SnapshotBenchmarks"),
        suite("ProcessBenchmarks"),
        suite("SlabTraceBenchmarks", adding: [.product(name: "SlabTrace", package: "memsleuth")]),
        suite("StoreBenchmarks", adding: [
            .product(name: "HistoryStore", package: "memsleuth"),
            .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        // Not a benchmark: writes a month-long store for scripts/bench-history.
        .executableTarget(
            name: "MakeHistoryStore",
            dependencies: [
                .product(name: "HistoryStore", package: "memsleuth"),
                .product(name: "KernelFiles", package: "memsleuth"),
                .product(name: "MemoryModel", package: "memsleuth"),
            ],
            path: "Tools/MakeHistoryStore"),
    ]
)
