// swift-tools-version:6.1
import PackageDescription

// A package of its own, like Benchmarks/, so the main build (and CI's
// `swift test`) never carries libFuzzer flags. One executable holds every
// fuzz target; MEMSLEUTH_FUZZ_TARGET picks one. Build and run with
// scripts/fuzz, which passes `-sanitize=fuzzer,address` for every module, so
// the parsers themselves are instrumented.
let package = Package(
    name: "memsleuth-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "memsleuth", path: ".."),
    ],
    targets: [
        .executableTarget(
            name: "memsleuth-fuzz",
            dependencies: [
                .product(name: "KernelFiles", package: "memsleuth"),
                .product(name: "MemoryModel", package: "memsleuth"),
                .product(name: "Diagnosis", package: "memsleuth"),
            ],
            path: "Sources/MemsleuthFuzz",
            // libFuzzer brings its own main(); SwiftPM links every
            // executable with `--defsym main=<target>_main` (testable
            // executables), so both definitions are allowed and both lead
            // to the same LLVMFuzzerTestOneInput (see Entry.swift).
            swiftSettings: [.unsafeFlags(["-parse-as-library"])],
            linkerSettings: [.unsafeFlags(["-Xlinker", "-zmuldefs"])]),
    ]
)
