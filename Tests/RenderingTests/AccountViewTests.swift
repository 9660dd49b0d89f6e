import Diagnosis
import Foundation
import KernelFiles
import Rendering
import Testing
import TestSupport

/// The account table and JSON for the incident tree, against golden files in
/// Tests/Fixtures/golden/account. MEMSLEUTH_RECORD=1 rewrites them and fails,
/// so a recording run never passes silently.
@Suite struct AccountViewTests {
    static let incident = Fixtures.directory + "/incidents/dentry-leak-rhel6"
    static let goldens = Fixtures.directory + "/golden/account/"

    func compare(_ actual: String, golden name: String) throws {
        let path = Self.goldens + name
        if ProcessInfo.processInfo.environment["MEMSLEUTH_RECORD"] == "1" {
            try actual.write(toFile: path, atomically: true, encoding: .utf8)
            Issue.record("recorded \(path); run again without MEMSLEUTH_RECORD")
            return
        }
        let expected = try String(contentsOfFile: path, encoding: .utf8)
        #expect(actual == expected, "differs from \(path)")
    }

    func account() -> MemoryAccount { MemoryAccount(DiagnosisInput.gather(root: ProcRoot(Self.incident))) }

    @Test func incidentText() throws {
        try compare(AccountView.text(account()), golden: "dentry-leak-rhel6.txt")
    }

    @Test func incidentASCII() throws {
        try compare(AccountView.text(account(), unicode: false, notes: false), golden: "dentry-leak-rhel6-ascii.txt")
    }

    @Test func incidentJSON() throws {
        try compare(AccountView.json(account()).rendered() + "\n", golden: "dentry-leak-rhel6.json")
    }

    // JSON keys are a contract: every part and child has all seven.
    @Test func jsonKeys() {
        guard case .object(let top) = AccountView.json(account()) else { Issue.record("not an object"); return }
        #expect(top.map(\.0) == ["total_bytes", "parts"])
        guard case .array(let parts)? = top.last?.1 else { Issue.record("no parts"); return }
        for case .object(let members) in parts {
            #expect(members.map(\.0) == ["key", "label", "bytes", "share", "source", "note", "children"])
        }
    }

    static let full: String = String(repeating: "█", count: 30)
    static let half: String = String(repeating: "█", count: 15)
    static let barCases: [(Double, String)] = [
        (0.0, ""), (1.0, full), (2.0, full), (0.5, half), (0.1 / 30.0, "▏"), ((4.0 + 0.55) / 30.0, "████▌"),
    ]

    @Test(arguments: barCases) func bars(share: Double, expected: String) {
        #expect(AccountView.bar(share, unicode: true) == expected)
    }

    @Test func asciiBars() {
        #expect(AccountView.bar(0.5, unicode: false) == String(repeating: "#", count: 15))
        #expect(AccountView.bar(nil, unicode: false) == "")
    }
}

/// Prints this host's account (MEMSLEUTH_TIMING=1), to eyeball a true account.
@Suite struct LiveAccountPrint {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["MEMSLEUTH_TIMING"] == "1"))
    func printLive() {
        print(AccountView.text(MemoryAccount(DiagnosisInput.gather(root: ProcRoot()))))
    }
}
