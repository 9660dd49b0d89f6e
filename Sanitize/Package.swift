// swift-tools-version:6.1
import PackageDescription

// The unit tests of the lean modules (KernelFiles, MemoryModel, Diagnosis,
// Rendering: parsers and pure logic) as a package of their own, like Fuzz/
// and Benchmarks/, so that a sanitized build instruments only those modules
// and their dependencies — not NIO, Hummingbird, GRDB or AsyncHTTPClient,
// which the main package's single test binary links. The test targets are
// the main package's own test directories, through symlinks in Tests/
// (SwiftPM refuses a target path outside the package root; a symlink inside
// it is allowed), so no test file is copied. Run with scripts/ci-sanitize.
let strict: [SwiftSetting] = [.enableUpcomingFeature("ExistentialAny")]

let package = Package(
    name: "memsleuth-sanitize",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "memsleuth", path: ".."),
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
    ],
    targets: [
        .target(
            name: "TestSupport",
            dependencies: [
                .product(name: "KernelFiles", package: "memsleuth"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            path: "Tests/TestSupport",
            swiftSettings: strict),
    ] + ["KernelFiles", "MemoryModel", "Diagnosis", "Rendering"].map { module in
        .testTarget(
            name: "\(module)Tests",
            dependencies: [.product(name: module, package: "memsleuth"), "TestSupport"],
            swiftSettings: strict)
    }
)
