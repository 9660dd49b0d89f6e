// swift-tools-version:6.1
import PackageDescription

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
        .executableTarget(
            name: "KernelFilesBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "KernelFiles", package: "memsleuth"),
                .product(name: "MemoryModel", package: "memsleuth"),
            ],
            path: "Benchmarks/KernelFilesBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
        .executableTarget(
            name: "SnapshotBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "KernelFiles", package: "memsleuth"),
                .product(name: "MemoryModel", package: "memsleuth"),
            ],
            path: "Benchmarks/SnapshotBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
        .executableTarget(
            name: "ProcessBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "KernelFiles", package: "memsleuth"),
                .product(name: "MemoryModel", package: "memsleuth"),
            ],
            path: "Benchmarks/ProcessBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
        .executableTarget(
            name: "StoreBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "KernelFiles", package: "memsleuth"),
                .product(name: "MemoryModel", package: "memsleuth"),
                .product(name: "HistoryStore", package: "memsleuth"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            path: "Benchmarks/StoreBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
    ]
)
