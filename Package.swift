// swift-tools-version:6.1
import PackageDescription

// The one-shot views (free, meminfo, slabtop --once …) must start as fast as
// procps does, so the modules on their path import Glibc and SystemPackage
// only — no Foundation, no server or store packages. See docs/PERFORMANCE.md.
let strict: [SwiftSetting] = [.enableUpcomingFeature("ExistentialAny")]

let package = Package(
    name: "memsleuth",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "memsleuth", targets: ["memsleuth"]),
        .library(name: "KernelFiles", targets: ["KernelFiles"]),
        .library(name: "MemoryModel", targets: ["MemoryModel"]),
        .library(name: "Diagnosis", targets: ["Diagnosis"]),
        .library(name: "Rendering", targets: ["Rendering"]),
        .library(name: "HistoryStore", targets: ["HistoryStore"]),
        .library(name: "MemsleuthCLI", targets: ["MemsleuthCLI"]),
        .library(name: "SlabTrace", targets: ["SlabTrace"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
    ],
    targets: [
        .target(
            name: "KernelFiles",
            dependencies: [.product(name: "SystemPackage", package: "swift-system")],
            swiftSettings: strict),
        .target(name: "MemoryModel", dependencies: ["KernelFiles"], swiftSettings: strict),
        .target(
            name: "Diagnosis", dependencies: ["MemoryModel"],
            resources: [.embedInCode("KnowledgeBase/known-issues.json")], swiftSettings: strict),
        // Who allocates a slab cache, through tracefs (issue 6); lean like the views.
        .target(name: "SlabTrace", dependencies: ["KernelFiles", "MemoryModel"], swiftSettings: strict),
        .target(name: "Rendering", dependencies: ["MemoryModel", "Diagnosis", "SlabTrace"], swiftSettings: strict),
        // fix's remedies: plans, guards, the action log, the script edit.
        .target(
            name: "Remedies",
            dependencies: ["KernelFiles", "MemoryModel", "Diagnosis", .product(name: "SystemPackage", package: "swift-system")],
            swiftSettings: strict),
        // The store: only `record` (and later history/diff) reach it; the
        // one-shot views never touch GRDB at start-up.
        .target(
            name: "HistoryStore",
            dependencies: ["MemoryModel", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strict),
        .target(
            name: "MemsleuthCLI",
            dependencies: [
                "KernelFiles", "MemoryModel", "Diagnosis", "Rendering", "Remedies", "SlabTrace",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict),
        .executableTarget(name: "memsleuth", dependencies: ["MemsleuthCLI"], swiftSettings: strict),
        // record, history and diff need the store (GRDB, and with it
        // Foundation): they live in a second executable that `memsleuth`
        // execs, so the one-shot views never load them (docs/ARCHITECTURE.md).
        .target(
            name: "HistoryCLI",
            dependencies: [
                "MemsleuthCLI", "HistoryStore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict),
        .executableTarget(name: "memsleuth-history", dependencies: ["HistoryCLI"], swiftSettings: strict),
        // `fleet`: asks a Prometheus server about the hosts it scrapes.
        // Foundation (JSONDecoder) and AsyncHTTPClient are allowed here: they
        // are linked into the server-side executable, never the one-shot
        // `memsleuth`. (Not URLSession: libcurl has no static build here.)
        .target(
            name: "Fleet",
            dependencies: [
                "Diagnosis", "Rendering", "MemsleuthCLI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strict),
        // Snapshot + doctor report → Prometheus/OpenMetrics text: pure, lean
        // (no Foundation), so it is golden-tested without a server.
        .target(name: "MetricsExport", dependencies: ["MemoryModel", "Diagnosis"], swiftSettings: strict),
        // `serve`: the HTTP server (Hummingbird, NIO, Foundation through
        // them, GRDB for --db) lives in a third executable that `memsleuth`
        // execs, as memsleuth-history does.
        .target(
            name: "Server",
            dependencies: [
                "MetricsExport", "MemsleuthCLI", "HistoryStore", "Rendering", "Fleet",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict),
        .executableTarget(
            name: "memsleuth-serve",
            dependencies: ["Server", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: strict),
        .target(
            name: "TestSupport",
            dependencies: ["KernelFiles"],
            path: "Tests/TestSupport",
            swiftSettings: strict),
        .testTarget(name: "KernelFilesTests", dependencies: ["KernelFiles", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "MemoryModelTests", dependencies: ["MemoryModel", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "DiagnosisTests", dependencies: ["Diagnosis", "TestSupport"], swiftSettings: strict),
        .testTarget(
            name: "HistoryStoreTests",
            dependencies: ["HistoryStore", "Rendering", "TestSupport", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strict),
        .testTarget(name: "RemediesTests", dependencies: ["Remedies", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "SlabTraceTests", dependencies: ["SlabTrace", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "RenderingTests", dependencies: ["Rendering", "TestSupport"], swiftSettings: strict),
        // The deploy files (unit, alert rules, dashboard) and fleet, with a
        // real Prometheus and promtool (Debian package `prometheus`).
        .testTarget(
            name: "FleetTests",
            dependencies: ["Fleet", "MemsleuthCLI", "Diagnosis", "TestSupport"],
            swiftSettings: strict),
        .testTarget(
            name: "MetricsExportTests", dependencies: ["MetricsExport", "TestSupport"], swiftSettings: strict),
        .testTarget(
            name: "ServerTests", dependencies: ["Server", "TestSupport"], swiftSettings: strict),
        .testTarget(
            name: "MemsleuthCLITests",
            dependencies: [
                "MemsleuthCLI", "HistoryCLI", "HistoryStore", "TestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: strict),
    ]
)
