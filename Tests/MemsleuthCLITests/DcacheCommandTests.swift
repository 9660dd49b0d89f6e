@testable import MemsleuthCLI
import Testing
import TestSupport

@Suite struct DcacheCommandTests {
    /// CLI.md's keys are a contract: all present on every kernel, null where absent.
    @Test(arguments: Fixtures.kernelNames)
    func jsonHasEveryContractKey(_ kernel: String) {
        let result = Invocation.capture(["dcache", "--json", "--root", Fixtures.kernelPath(kernel)])
        #expect(result.exitCode == 0)
        for key in ["nr_dentry", "nr_unused", "age_limit", "want_pages", "nr_negative", "inodes", "nr_inodes",
                    "nr_free_inodes", "files", "allocated", "max", "vm", "drop_caches", "vfs_cache_pressure",
                    "min_free_kbytes", "overcommit_memory", "overcommit_ratio"] {
            #expect(result.stdout.contains("\"\(key)\":"), "\(kernel): \(key)")
        }
    }

    @Test func negativeDentriesAreNullBefore5_0AndCountedAfter() {
        let old = Invocation.capture(["dcache", "--json", "--root", Fixtures.kernelPath("linux-4.19-debian10")]).stdout
        #expect(old.contains("\"nr_negative\": null"))
        let new = Invocation.capture(["dcache", "--json", "--root", Fixtures.kernelPath("linux-5.15-ubuntu22")]).stdout
        #expect(new.contains("\"nr_negative\": 612934"))
        #expect(new.contains("\"min_free_kbytes\": \(67584 * 1024)"), "min_free_kbytes in bytes")
    }

    @Test func textTeaches() {
        let text = Invocation.capture(["dcache", "--root", Fixtures.kernelPath("linux-5.15-ubuntu22")]).stdout
        #expect(text.contains("names looked up that do not exist; kept until memory is short"))
        #expect(text.contains("612934"))
        let old = Invocation.capture(["dcache", "--root", Fixtures.kernelPath("linux-2.6.32-rhel6")]).stdout
        #expect(old.contains("does not count negative dentries (since 5.0)"))
    }

    @Test func aMissingSourceIsListedNotFatal() {
        let root = Fixtures.kernelPath("linux-6.18-sandbox")   // a capture without drop_caches (write-only there)
        let result = Invocation.capture(["dcache", "--json", "--root", root])
        #expect(result.exitCode == 0)
        #expect(result.stdout.contains("\"drop_caches\": null"))
    }

    @Test func noSourcesAtAllFails() {
        let result = Invocation.capture(["dcache", "--root", Fixtures.directory + "/golden/free-edge/huge"])
        #expect(result.exitCode == 1)
        #expect(result.stderr.contains("/proc/sys/fs/dentry-state"))
    }
}

@Suite struct FreeCommandTests {
    @Test func jsonOnTheIncidentHost() {
        let result = Invocation.capture(["free", "--json", "--root", Fixtures.kernelPath("linux-2.6.32-rhel6")])
        #expect(result.exitCode == 0)
        let out = result.stdout
        #expect(out.contains("\"available_estimated\": true"))
        #expect(out.contains("\"used\": \(56_921_416 * 1024)"))
        #expect(out.contains("\"cache\": \((3_207_144 + 38_506_072) * 1024)"))
        for key in ["mem", "total", "used", "free", "shared", "buffers", "cache", "buff_cache", "available", "swap"] {
            #expect(out.contains("\"\(key)\":"))
        }
    }

    @Test func missingInputsAreNull() {
        let result = Invocation.capture(["free", "--json", "--root", Fixtures.directory + "/golden/free-edge/overcommitted-highmem"])
        #expect(result.stdout.contains("\"shared\": null"))
    }

    @Test func repeatsCountTimesWithBlankLinesBetween() {
        let result = Invocation.capture(["free", "-c", "3", "-s", "1", "--root", Fixtures.kernelPath("linux-5.15-ubuntu22")])
        #expect(result.exitCode == 0)
        let frames = result.stdout.components(separatedBy: "\n\n")
        #expect(frames.count == 3)
        #expect(!result.stdout.hasSuffix("\n\n"), "no blank line after the last frame, as procps")
    }

    @Test func secondsAloneRepeatsUntilStopped() {
        let result = Invocation.capture(["free", "-s", "1", "--root", Fixtures.kernelPath("linux-5.15-ubuntu22")], maxFrames: 4)
        #expect(result.stdout.components(separatedBy: "Mem:").count - 1 == 4)
    }

    @Test func missingMeminfoIsOneLineNamingTheFile() {
        let result = Invocation.capture(["free", "--root", Fixtures.directory + "/golden"])
        #expect(result.exitCode == 1)
    }
}
