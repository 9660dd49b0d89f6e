import Foundation
import KernelFiles
@testable import MemsleuthCLI
import Testing
import TestSupport

private func tree(_ name: String) -> String { Fixtures.directory + "/processes-maps/" + name }

private func pid(_ name: String) -> String {
    (try? ProcRoot(tree(name)).list("proc"))?.first { Int32($0) != nil } ?? "0"
}

private func json(_ text: String) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
}

@Suite struct SmapsCommandTests {
    @Test func printsEveryMappingAndTheTotal() throws {
        let result = Invocation.capture(["smaps", pid("sleep"), "--root", tree("sleep")])
        #expect(result.exitCode == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 2 + 37 + 1, "title, header, one line per mapping, total")
        #expect(lines[1].hasPrefix("ADDRESS") && lines[1].hasSuffix("MAPPING"))
        #expect(lines.last?.hasPrefix("total (37 mappings)") == true)
        #expect(result.stdout.contains("/usr/bin/sleep"))
    }

    @Test func jsonKeysAndTotalsInBytes() throws {
        let name = "layout-probe"
        let result = Invocation.capture(["smaps", pid(name), "--root", tree(name), "--json"])
        #expect(result.exitCode == 0, "\(result.stderr)")
        let document = try json(result.stdout)
        let mappings = try #require(document["mappings"] as? [[String: Any]])
        let keys = ["start", "end", "perms", "offset", "device", "inode", "path", "deleted", "size", "rss", "pss",
                    "shared_clean", "shared_dirty", "private_clean", "private_dirty", "swap", "swap_pss",
                    "anon_huge_pages", "locked"]
        for mapping in mappings { #expect(Set(mapping.keys) == Set(keys)) }
        #expect(mappings.contains { $0["deleted"] as? Bool == true })
        let totals = try #require(document["totals"] as? [String: Any])
        let rollup = try ProcRoot(tree(name)).smaps(pid: Int32(pid(name)) ?? 0, buffer: ReadBuffer(), rollup: true)
        #expect((totals["rss"] as? NSNumber)?.uint64Value == rollup.mappings.first?.rss)
        #expect((totals["anon_huge_pages"] as? NSNumber)?.uint64Value == 4 << 20)
        #expect((mappings.first?["start"] as? String)?.hasPrefix("0x") == true, "addresses are hex strings")
    }

    @Test func aKernelThreadHasNoMappings() {
        let result = Invocation.capture(["smaps", "2", "--root", tree("kthreadd")])
        #expect(result.exitCode == 0)
        #expect(result.stdout.contains("total (0 mappings)"))
    }

    @Test(arguments: ["abc", "0", "-1", "99999999999", "12x"])
    func badPidIsUsageError(_ argument: String) {
        for command in ["smaps", "layout"] {
            let result = Invocation.capture([command, argument, "--root", tree("sleep")])
            #expect(result.exitCode == 64, "\(command) \(argument)")
        }
        #expect(Invocation.capture(["pagemap", argument, "0x1000"]).exitCode == 64)
    }

    @Test func aMissingProcessExitsOneWithAClearLine() {
        for arguments in [["smaps", "4000000"], ["layout", "4000000"], ["pagemap", "4000000", "0x1000"]] {
            let result = Invocation.capture(arguments + ["--root", tree("sleep")])
            #expect(result.exitCode == 1)
            #expect(result.stderr == "memsleuth: process 4000000 does not exist (no \(tree("sleep"))/proc/4000000)\n")
        }
    }

    @Test func permissionDeniedNamesTheFileAndTheRemedy() {
        var environment = CommandEnvironment()
        environment.io = FaultyIO.failing(["/smaps": .permissionDenied])
        let result = Invocation.capture(["smaps", pid("sleep"), "--root", tree("sleep")], environment: environment)
        #expect(result.exitCode == 1)
        #expect(result.stderr.hasPrefix("memsleuth: cannot read \(tree("sleep"))/proc/\(pid("sleep"))/smaps: permission denied ("))
        let remedy = getuid() == 0 ? "even root may not read it on this host" : "another user's process: run as root"
        #expect(result.stderr.contains(remedy))
    }
}

@Suite struct LayoutCommandTests {
    @Test func worksFromMapsWhenTheExecutableIsNotInTheTree() throws {
        let result = Invocation.capture(["layout", pid("sleep"), "--root", tree("sleep")])
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(result.stdout.contains("executable not available (cannot read \(tree("sleep"))/usr/bin/sleep: no such file)"))
        #expect(result.stdout.contains("\ntext "))
        #expect(result.stdout.contains("total kB (as pmap -x): Kbytes "))
    }

    @Test func jsonOnTheProbe() throws {
        let name = "layout-probe"
        let result = Invocation.capture(["layout", pid(name), "--root", tree(name), "--json"])
        #expect(result.exitCode == 0, "\(result.stderr)")
        let document = try json(result.stdout)
        #expect(document["executable"] as? String == "/tmp/layout-probe")
        #expect(document["executable_available"] as? Bool == false)
        #expect(document["load_bias"] is NSNull)
        let bss = try #require(document["bss"] as? [String: Any])
        #expect(bss["source"] as? String == "maps" && (bss["size"] as? NSNumber)?.intValue == 1 << 20)
        let regions = (document["segments"] as? [[String: Any]])?.compactMap { $0["region"] as? String }
        #expect(regions == ["text", "rodata", "data", "bss", "heap", "stack", "library", "anonymous", "vdso", "vvar",
                            "vsyscall", "file"])
        for key in ["sections", "libraries", "mappings", "totals", "unavailable"] { #expect(document[key] != nil, "\(key)") }
    }

    @Test func mapsOnlyWhenSmapsIsMissing() throws {
        let result = Invocation.capture(["layout", "4242", "--root", tree("i386-handwritten"), "--json"])
        #expect(result.exitCode == 0, "\(result.stderr)")
        let document = try json(result.stdout)
        let unavailable = try #require(document["unavailable"] as? [[String: Any]])
        #expect(unavailable.first?["source"] as? String == "/proc/4242/smaps")
        let totals = try #require(document["totals"] as? [String: Any])
        #expect(totals["rss"] is NSNull, "no smaps: RSS unknown, not 0")
        #expect((totals["size"] as? NSNumber)?.intValue == 3_276_800, "the 16 mappings of the hand-written file, summed with python")
    }
}

@Suite struct PagemapCommandTests {
    private func run(_ address: String, json: Bool = false) -> (stdout: String, stderr: String, exitCode: Int32) {
        Invocation.capture(["pagemap", "77", address, "--root", tree("pagemap-handwritten")] + (json ? ["--json"] : []))
    }

    @Test func presentPageWithItsFrameAndFlags() throws {
        let result = run("0x1234", json: true)
        #expect(result.exitCode == 0, "\(result.stderr)")
        let document = try json(result.stdout)
        #expect(document["page_address"] as? String == "0x1000")
        let entry = try #require(document["entry"] as? [String: Any])
        #expect(entry["present"] as? Bool == true && entry["exclusive"] as? Bool == true)
        #expect((entry["pfn"] as? NSNumber)?.intValue == 5 && entry["pfn_hidden"] as? Bool == false)
        #expect(entry["physical_address"] as? String == "0x5234")
        let flags = try #require(document["kpageflags"] as? [String: Any])
        #expect(flags["flags"] as? [String] == ["UPTODATE", "LRU", "MMAP", "ANON", "SWAPBACKED", "THP"])
        #expect(document["huge"] as? Bool == true)
        #expect((document["mapping"] as? [String: Any])?["start"] as? String == "0x1000")
    }

    @Test func swappedPage() throws {
        let result = run("8192")
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(result.stdout.contains("swapped     yes: swap type 2, offset 85\n"))
        #expect(result.stdout.contains("soft-dirty  yes\n"))
    }

    @Test func hiddenFrameIsSaidInTextAndJson() throws {
        let text = run("0x3000")
        #expect(text.stdout.contains("frame       hidden: the kernel shows PFNs only to CAP_SYS_ADMIN"))
        let document = try json(run("0x3000", json: true).stdout)
        let entry = try #require(document["entry"] as? [String: Any])
        #expect(entry["pfn"] is NSNull && entry["pfn_hidden"] as? Bool == true)
        #expect(entry["file_shared"] as? Bool == true)
        #expect(document["kpageflags"] is NSNull)
    }

    @Test func untouchedAndUnmappedPages() throws {
        #expect(run("0x4000").stdout.contains("present     no\n"))
        let unmapped = run("0x0")
        #expect(unmapped.stdout.contains("mapping     none: the address is not mapped in this process\n"))
        let beyond = run("0x100000")
        #expect(beyond.exitCode == 1, "past the end of the hand-made pagemap")
        #expect(beyond.stderr.contains("8-byte entry at offset 2048"))
    }

    @Test(arguments: ["zz", "0x", "-5", "0xg1", "18446744073709551616"])
    func badAddressIsUsageError(_ address: String) {
        #expect(run(address).exitCode == 64, "\(address)")
    }
}
