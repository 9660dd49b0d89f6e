import Foundation
import Remedies
import Testing
import TestSupport

/// The nss-env edit on the sample scripts (Tests/Fixtures/scripts): what it
/// decides, that its diff is one `patch` and `git apply` accept, and that the
/// edited script still parses (`sh -n`/`bash -n`).
@Suite struct NSSScriptEditTests {
    static let directory = Fixtures.directory + "/scripts/"

    static func edit(_ name: String) throws -> NSSScriptEdit {
        NSSScriptEdit(bytes: Array(try Data(contentsOf: URL(fileURLWithPath: directory + name))))
    }

    /// Scripts that get the export, and the line it goes before.
    @Test(arguments: [
        ("health-sh-pipeline.sh", 3),      // after the shebang and two comment lines, before the blank
        ("health-bash-function.sh", 2),    // curl in a function and in $(...)
        ("health-no-shebang.sh", 0),       // no shebang: first line
    ])
    func insertsAfterTheLeadingComments(_ name: String, _ index: Int) throws {
        let edit = try Self.edit(name)
        #expect(edit.outcome == .insert(before: index), "\(name)")
        #expect(!edit.curlLines.isEmpty)
    }

    @Test func findsCurlInFunctionsSubstitutionsAndPipelines() throws {
        #expect(try Self.edit("health-bash-function.sh").curlLines == [7])
        #expect(try Self.edit("health-sh-pipeline.sh").curlLines == [7])
    }

    @Test(arguments: ["health-already-exported.sh", "health-prefix-per-curl.sh"])
    func alreadyDoneIsANoOp(_ name: String) throws {
        let edit = try Self.edit(name)
        guard case .alreadyDone = edit.outcome else {
            Issue.record("\(name): \(edit.outcome)")
            return
        }
        #expect(edit.diff(path: name) == nil)
        #expect(edit.edited == nil)
    }

    /// Each refusal says why, in words an operator can act on.
    @Test(arguments: [
        ("refused-heredoc-ssh.sh", "here-document"),
        ("refused-eval.sh", "eval"),
        ("refused-no-curl.sh", "does not run curl"),
        ("refused-sudo.sh", "sudo"),
        ("refused-python.py", "python3, not a POSIX shell"),
        ("refused-other-value.sh", "\"no\""),
        ("refused-quoted-only.sh", "only inside quotes"),
    ])
    func refusesWhatItCannotReadSafely(_ name: String, _ reason: String) throws {
        let edit = try Self.edit(name)
        guard case .refused(let text) = edit.outcome else {
            Issue.record("\(name) was not refused: \(edit.outcome)")
            return
        }
        #expect(text.contains(reason), "\(name): \(text)")
    }

    @Test func refusesBinaryNonUTF8AndCRLF() {
        #expect(NSSScriptEdit(bytes: [0x7F, 0x45, 0x4C, 0x46, 0, 1, 2]).outcome
            == .refused("it is a binary file (it contains NUL bytes), not a shell script"))
        #expect(NSSScriptEdit(bytes: [0x23, 0x21, 0xFF, 0xFE]).outcome == .refused("it is not UTF-8 text"))
        guard case .refused = NSSScriptEdit(bytes: Array("#!/bin/sh\r\ncurl x\r\n".utf8)).outcome else {
            Issue.record("CRLF accepted")
            return
        }
    }

    @Test func unclosedQuoteIsRefused() {
        guard case .refused(let reason) = NSSScriptEdit(bytes: Array("#!/bin/sh\necho \"oops\ncurl x\n".utf8)).outcome else {
            Issue.record("unclosed quote accepted")
            return
        }
        #expect(reason.contains("never closed"))
    }

    @Test func echoMentioningCurlIsNotARun() {
        let edit = NSSScriptEdit(bytes: Array("#!/bin/sh\necho 'curl failed' # curl\ncurl -s x\n".utf8))
        #expect(edit.curlLines == [3])
    }

    @Test func keepsAMissingFinalNewline() throws {
        let edit = NSSScriptEdit(bytes: Array("#!/bin/sh\ncurl -s https://x/".utf8))
        #expect(edit.outcome == .insert(before: 1))
        let edited = try #require(edit.edited)
        #expect(String(decoding: edited, as: UTF8.self)
            == "#!/bin/sh\n" + NSSScriptEdit.insertedLines.joined(separator: "\n") + "\ncurl -s https://x/")
        #expect(edit.diff(path: "x")?.hasSuffix("\n curl -s https://x/\n\\ No newline at end of file\n") == true)
    }

    /// The diff is what `diff -u` would print: `patch --dry-run` and
    /// `git apply --check` accept it, and applying it gives `edited`.
    @Test(arguments: ["health-sh-pipeline.sh", "health-bash-function.sh", "health-no-shebang.sh"])
    func diffAppliesWithPatchAndGit(_ name: String) throws {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("nss-diff-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: work) }
        let script = work + "/" + name
        try FileManager.default.copyItem(atPath: Self.directory + name, toPath: script)
        let edit = try Self.edit(name)
        let diff = try #require(edit.diff(path: name))
        try diff.write(toFile: work + "/change.diff", atomically: true, encoding: .utf8)

        if ExternalCommand.exists("patch") {
            let check = try ExternalCommand.run("sh", ["-c", "cd '\(work)' && patch --dry-run -p0 < change.diff"])
            #expect(check.exitCode == 0, "\(check.stdout)\(check.stderr)")
        }
        if ExternalCommand.exists("git") {
            let check = try ExternalCommand.run("sh", ["-c", "cd '\(work)' && git apply --check -p0 change.diff"])
            #expect(check.exitCode == 0, "\(check.stdout)\(check.stderr)")
            let apply = try ExternalCommand.run("sh", ["-c", "cd '\(work)' && git apply -p0 change.diff"])
            #expect(apply.exitCode == 0, "\(apply.stderr)")
            let patched = Array(try Data(contentsOf: URL(fileURLWithPath: script)))
            #expect(patched == edit.edited)
        }
    }

    /// The scripts parse before and after the edit, with the shell their
    /// shebang names (sh for none).
    @Test(arguments: ["health-sh-pipeline.sh", "health-bash-function.sh", "health-no-shebang.sh"])
    func editedScriptStillParses(_ name: String) throws {
        let edit = try Self.edit(name)
        let shell = name.contains("bash") ? "bash" : "sh"
        let original = try ExternalCommand.run(shell, ["-n", Self.directory + name])
        #expect(original.exitCode == 0)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("nss-\(UUID().uuidString).sh").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data(try #require(edit.edited)).write(to: URL(fileURLWithPath: path))
        let edited = try ExternalCommand.run(shell, ["-n", path])
        #expect(edited.exitCode == 0, "\(edited.stderr)")
    }
}

@Suite struct UnifiedDiffTests {
    /// Hunk headers as `diff -u` numbers them (a count of 1 is left out).
    @Test(arguments: [
        (0, 2, "@@ -1,2 +1,3 @@"),    // insert at the top of a two-line file
        (5, 10, "@@ -3,6 +3,7 @@"),   // the middle: three lines of context each side
        (9, 10, "@@ -7,4 +7,5 @@"),   // before the last line
        (1, 1, "@@ -1 +1,2 @@"),      // one-line file, insert after it
    ])
    func hunkHeaders(_ index: Int, _ count: Int, _ header: String) {
        let lines = (1...count).map { "line \($0)" }
        let diff = UnifiedDiff.insertion(of: ["new"], before: index, in: lines, endsWithNewline: true,
                                         oldLabel: "a", newLabel: "b")
        let hunk = diff.split(separator: "\n")[2]
        #expect(String(hunk) == header)
        #expect(diff.contains("\n+new\n"))
    }
}
