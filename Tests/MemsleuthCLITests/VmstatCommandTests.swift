@testable import MemsleuthCLI
import Testing
import TestSupport

@Suite struct VmstatCommandTests {
    static let root = Fixtures.kernelPath("linux-6.18-sandbox")

    @Test func oneLineWithoutDelay() {
        let result = Invocation.capture(["vmstat", "--root", Self.root])
        #expect(result.exitCode == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[1] == " r  b   swpd   free   buff  cache   si   so    bi    bo   in   cs us sy id wa st")
        #expect(lines[2].split(separator: " ").count == 17)
    }

    @Test func delayAndCountPrintCountLinesWithoutRealSleeping() {
        let result = Invocation.capture(["vmstat", "1", "4", "--root", Self.root])
        #expect(result.exitCode == 0)
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 2 + 4)
        // The fixture does not change between samples: nothing happened.
        #expect(lines[3].split(separator: " ").suffix(11) == ["0", "0", "0", "0", "0", "0", "0", "0", "100", "0", "0"],
                "\(lines[3])")
    }

    @Test func headerRepeatsEveryTerminalRowsMinusThreeLines() {
        // procps: height = rows − 3; the header comes again before line i when i % height == 0.
        let result = Invocation.capture(
            ["vmstat", "1", "5", "--root", Self.root], environment: CommandEnvironment(terminalRows: 6))
        let headers = result.stdout.split(separator: "\n").enumerated().filter { $0.element.hasPrefix("procs") }.map(\.offset)
        #expect(headers == [0, 5])
    }

    @Test func unitFlagScalesMemoryColumns() {
        let kib = Invocation.capture(["vmstat", "--root", Self.root]).stdout.split(separator: "\n")[2].split(separator: " ")
        let mib = Invocation.capture(["vmstat", "-S", "M", "--root", Self.root]).stdout.split(separator: "\n")[2].split(separator: " ")
        #expect(UInt64(mib[3]) == UInt64(kib[3]).map { $0 / 1024 })
    }

    @Test func delayWithoutCountRunsUntilStopped() {
        let result = Invocation.capture(["vmstat", "1", "--root", Self.root], maxFrames: 3)
        #expect(result.exitCode == 0)
        #expect(result.stdout.split(separator: "\n").count == 2 + 3)
    }

    @Test func jsonWithCountIsOneDocument() {
        let result = Invocation.capture(["vmstat", "1", "2", "--json", "--root", Self.root])
        #expect(result.exitCode == 0)
        #expect(result.stdout.hasPrefix("{\n  \"samples\": ["))
        #expect(result.stdout.components(separatedBy: "\"rates_since\": \"boot\"").count == 2)
        #expect(result.stdout.components(separatedBy: "\"rates_since\": \"previous\"").count == 2)
        #expect(result.stdout.contains("\"unavailable\": []"))
    }

    @Test func jsonForeverIsOneObjectPerLine() {
        let result = Invocation.capture(["vmstat", "2", "--json", "--root", Self.root], maxFrames: 2)
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 2, "one line per sample: since boot, then one after each of the 2 sleeps allowed")
        #expect(lines.allSatisfy { $0.hasPrefix("{\"rates_since\":") && $0.hasSuffix("}") })
    }

    @Test(arguments: ["linux-2.6.32-rhel6", "linux-3.10-rhel7", "linux-4.19-debian10"])
    func olderKernelsListPressureAsUnavailable(_ kernel: String) {
        // These trees get their meminfo from the meminfo/free branch; without
        // it vmstat fails naming the file, which is also correct.
        let result = Invocation.capture(["vmstat", "--json", "--root", Fixtures.kernelPath(kernel)])
        if result.exitCode == 0 {
            #expect(result.stdout.contains("\"pressure\": null"))
            #expect(result.stdout.contains("\"source\": \"/proc/pressure/memory\""))
        } else {
            #expect(result.stderr.contains("proc/meminfo"))
        }
    }

    @Test func statsTableHas28Lines() {
        let result = Invocation.capture(["vmstat", "-s", "--root", Self.root])
        #expect(result.exitCode == 0)
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 28)
        #expect(lines.first?.hasSuffix(" K total memory") == true)
        let json = Invocation.capture(["vmstat", "--stats", "--json", "--root", Self.root])
        #expect(json.stdout.contains("\"total_memory\": "))
    }

    @Test(arguments: [["0"], ["x"], ["1.5"], ["-1"], ["1", "many"], ["4294967296"], ["-S", "q"], ["1", "2", "3"]])
    func badUsageExits64(_ arguments: [String]) {
        let result = Invocation.capture(["vmstat"] + arguments + ["--root", Self.root])
        #expect(result.exitCode == 64, "\(arguments): \(result.stderr)")
        #expect(!result.stderr.isEmpty)
        #expect(result.stdout.isEmpty)
    }

    @Test(arguments: [
        [], ["5"], ["5", "3"], ["-s"], ["--stats", "--json"], ["--json", "2", "1"], ["--root=/tmp", "1", "0"],
        ["-S", "M"], ["--help"], ["0"], ["1", "x"],
    ])
    func fastParseAgreesWithArgumentParser(_ arguments: [String]) throws {
        let fast = VmstatRequest.fastParse(ArraySlice(arguments))
        let full: VmstatRequest? = {
            guard let command = try? Memsleuth.parseAsRoot(["vmstat"] + arguments) as? Memsleuth.Vmstat else { return nil }
            return try? command.parsedRequest()
        }()
        if let fast {
            #expect(fast == full, "\(arguments)")
        }
        // fastParse may decline (nil) anything; it must never accept a bad DELAY.
        if full == nil { #expect(fast == nil, "\(arguments)") }
    }
}
