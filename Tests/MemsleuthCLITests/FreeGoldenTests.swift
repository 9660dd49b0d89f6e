@testable import MemsleuthCLI
import KernelFiles
import Testing
import TestSupport

/// `memsleuth free FLAGS --root TREE` against what procps-ng 4.0.2's `free
/// FLAGS` printed over the same meminfo (Tests/Fixtures/golden/free, recorded
/// by its record.sh through a bind mount). Byte for byte.
@Suite struct FreeGoldenTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let tree: String
        let root: String
        let flags: [String]
        let golden: String
        var testDescription: String { "\(tree): free \(flags.joined(separator: " "))" }
    }

    static var cases: [Case] {
        let goldens = ProcRoot(Fixtures.directory + "/golden/free")
        guard let trees = try? goldens.list("") else { return [] }
        var cases: [Case] = []
        let buffer = ReadBuffer()
        for tree in trees where tree != "record.sh" && tree != "flags" {
            let root = ProcRoot(Fixtures.kernelPath(tree)).exists("proc")
                ? Fixtures.kernelPath(tree) : Fixtures.directory + "/golden/free-edge/" + tree
            for file in (try? goldens.list(tree)) ?? [] where file.hasPrefix("free") && file.hasSuffix(".txt") {
                guard (try? goldens.read(tree + "/" + file, into: buffer)) != nil else { continue }
                let flags = file.dropFirst("free".count).dropLast(".txt".count).split(separator: " ").map(String.init)
                cases.append(Case(tree: tree, root: root, flags: flags,
                                  golden: String(decoding: buffer.bytes, as: UTF8.self)))
            }
        }
        return cases
    }

    @Test func everyFixtureKernelHasGoldens() {
        let trees = Set(Self.cases.map(\.tree))
        for kernel in Fixtures.kernelNames { #expect(trees.contains(kernel), "\(kernel) has no free goldens") }
        #expect(Self.cases.count >= 6 * 24)
    }

    @Test(arguments: cases)
    func matchesProcpsByteForByte(_ c: Case) {
        let result = Invocation.capture(["free"] + c.flags + ["--root", c.root])
        #expect(result.exitCode == 0)
        #expect(result.stderr == "")
        #expect(result.stdout == c.golden)
    }
}
