@testable import MemsleuthCLI
import Testing
import TestSupport

/// The fast path must produce exactly the request argument-parser would, or
/// step aside (nil) and let argument-parser handle the invocation.
@Suite struct FastPathParityTests {
    static let freeAccepted: [[String]] = [
        [], ["-h"], ["-b"], ["-k"], ["-m"], ["-g"], ["-w"], ["-t"], ["-l"], ["-v"], ["--si"],
        ["--bytes"], ["--kilo"], ["--mega"], ["--giga"], ["--tera"], ["--peta"],
        ["--kibi"], ["--mebi"], ["--gibi"], ["--tebi"], ["--pebi"],
        ["--human"], ["--wide"], ["--total"], ["--lohi"], ["--committed"],
        ["-hw"], ["-wh"], ["-htw"], ["-bwtlv"], ["-h", "--si"], ["--si", "-h", "-w"], ["-m", "-w", "-t"],
        ["--json"], ["-h", "--json"], ["--root", "/tmp"], ["--root=/tmp", "-hw"], ["-b", "--root", "/x", "--json"],
        ["-h", "-h"],   // repeating a switch is harmless to both
    ]

    static let freeRefused: [[String]] = [
        ["-s", "1"], ["-c", "2"], ["-s1"], ["--seconds", "1"], ["--count=3"],   // repeat: argument-parser's
        ["-b", "-k"], ["-bk"], ["--kilo", "--mega"],                            // two units: an error
        ["--help"], ["-x"], ["-hx"], ["extra"], ["-"], ["--root"], ["--root="], ["--root", "--json"],
        ["--si=1"], ["-V"],
    ]

    @Test(arguments: freeAccepted)
    func freeMatchesArgumentParser(_ arguments: [String]) throws {
        let fast = try #require(FreeRequest.fastParse(arguments[...]), "fast path refused \(arguments)")
        let parsed = try #require(try Memsleuth.parseAsRoot(["free"] + arguments) as? Memsleuth.Free)
        #expect(fast == parsed.request)
    }

    @Test(arguments: freeRefused)
    func freeLeavesTheRestToArgumentParser(_ arguments: [String]) {
        #expect(FreeRequest.fastParse(arguments[...]) == nil)
    }

    @Test func repeatFlagsParseThroughArgumentParser() throws {
        let parsed = try #require(try Memsleuth.parseAsRoot(["free", "-h", "-s", "2", "-c", "3"]) as? Memsleuth.Free)
        #expect(parsed.request.seconds == 2 && parsed.request.count == 3 && parsed.request.format.human)
    }

    @Test func twoUnitsAreAUsageError() {
        #expect(throws: (any Error).self) { try Memsleuth.parseAsRoot(["free", "-b", "-k"]) }
        let result = Invocation.capture(["free", "-b", "-k", "--root", "/"])
        #expect(result.exitCode == 64)
    }

    static let plainAccepted: [[String]] = [[], ["--json"], ["--root", "/tmp"], ["--root=/tmp", "--json"]]
    static let plainRefused: [[String]] = [["--help"], ["-h"], ["extra"], ["--root"], ["--json", "x"]]

    @Test(arguments: plainAccepted)
    func dcacheAndMeminfoMatchArgumentParser(_ arguments: [String]) throws {
        let dcache = try #require(DcacheRequest.fastParse(arguments[...]))
        let parsedDcache = try #require(try Memsleuth.parseAsRoot(["dcache"] + arguments) as? Memsleuth.Dcache)
        #expect(dcache == parsedDcache.request)
        let meminfo = try #require(MeminfoRequest.fastParse(arguments[...]))
        let parsedMeminfo = try #require(try Memsleuth.parseAsRoot(["meminfo"] + arguments) as? Memsleuth.Meminfo)
        #expect(meminfo == parsedMeminfo.request)
    }

    @Test(arguments: plainRefused)
    func dcacheAndMeminfoRefuseTheRest(_ arguments: [String]) {
        #expect(DcacheRequest.fastParse(arguments[...]) == nil)
        #expect(MeminfoRequest.fastParse(arguments[...]) == nil)
    }
}

/// `record`, `history` and `diff` run in `memsleuth-history`: the real
/// binary execs it; an in-process caller is told so, never replaced.
@Suite struct HistoryForwardingTests {
    @Test(arguments: ["record", "history", "diff"])
    func inProcessCallsAreRefusedNotExeced(_ name: String) {
        let result = Invocation.capture([name, "--help-me"])
        #expect(result.exitCode == 1)
        #expect(result.stderr.contains("runs in memsleuth-history"))
    }

    @Test func theRealBinaryForwardsWithTheSameArguments() throws {
        let result = try ExternalCommand.run(BuiltBinary.path, ["history", "--db", "/nonexistent/h.sqlite", "--series", "meminfo.Slab"])
        #expect(result.exitCode == 1)
        #expect(result.stderr.contains("/nonexistent/h.sqlite"), "the history tool answered: \(result.stderr)")
        let help = try ExternalCommand.run(BuiltBinary.path, ["record", "--help"])
        #expect(help.stdout.contains("USAGE: memsleuth record"))
    }
}
