import Diagnosis
import KernelFiles
import MemoryModel

/// What `memsleuth fix` lists: the remedies of the doctor's current findings
/// that `fix` can carry out, each with the command, its expected effect in
/// bytes (nil when it frees nothing at once) and its cost.
public struct ApplicableRemedy: Sendable, Equatable {
    /// `drop-caches`, `cache-pressure`, `negative-dentries`, `nss-env`.
    public var action: String
    /// The `memsleuth fix …` command line (a dry run; add --apply).
    public var command: String
    public var summary: String
    public var expectedBytes: UInt64?
    /// The effect in words (what the bytes are, or why there are none).
    public var effect: String
    public var cost: String
    public var permanent: Bool
    /// The findings it answers, by rule id.
    public var ruleIDs: [String]
}

public enum RemedyList {
    /// One entry per action (the first finding's wording; every finding's
    /// rule id), in the findings' order (worst first).
    public static func applicable(_ report: DoctorReport, figures: CacheFigures, sysctls: VmSysctls?) -> [ApplicableRemedy] {
        var list: [ApplicableRemedy] = []
        func add(_ remedy: ApplicableRemedy) {
            if let index = list.firstIndex(where: { $0.command == remedy.command }) {
                for id in remedy.ruleIDs where !list[index].ruleIDs.contains(id) { list[index].ruleIDs.append(id) }
            } else {
                list.append(remedy)
            }
        }
        for finding in report.findings {
            for remedy in finding.remedies {
                guard let command = remedy.command else { continue }
                if command.contains("drop_caches"), let level = dropLevel(command) {
                    let parts = DropCaches.expected(level: level, figures)
                    let known = parts.compactMap(\.bytes)
                    add(ApplicableRemedy(
                        action: "drop-caches", command: "memsleuth fix drop-caches --level \(level)",
                        summary: remedy.summary,
                        expectedBytes: known.isEmpty ? nil : UInt64(known.reduce(0, +)),
                        effect: "frees at most " + parts.map(\.name).joined(separator: " and ")
                            + " not in use; they grow back if the cause still runs",
                        cost: DropCaches.cost(level: level), permanent: false, ruleIDs: [finding.ruleID]))
                } else if command.contains("vfs_cache_pressure"), let value = trailingNumber(command) {
                    add(ApplicableRemedy(
                        action: "cache-pressure", command: "memsleuth fix cache-pressure \(value)",
                        summary: remedy.summary, expectedBytes: nil,
                        effect: "frees nothing at once: under memory pressure the kernel reclaims dentries and inodes "
                            + "sooner (now \(sysctls?.vfsCachePressure.map(String.init) ?? "unknown"))",
                        cost: remedy.cost, permanent: remedy.permanent, ruleIDs: [finding.ruleID]))
                } else if command.contains(NSSScriptEdit.variable) {
                    // The doctor names the script when it found the one that runs curl.
                    let script = finding.evidence.first { $0.name.hasPrefix("calling script") }?.text
                    add(ApplicableRemedy(
                        action: "nss-env",
                        command: "memsleuth fix nss-env --script " + (script.map(ShellWords.quoted) ?? "PATH"),
                        summary: remedy.summary, expectedBytes: nil,
                        effect: "frees nothing at once: stops curl's NSS probes from making new negative dentries (the cause)",
                        cost: remedy.cost, permanent: true, ruleIDs: [finding.ruleID]))
                }
            }
            if finding.ruleID.hasPrefix("slab.dentry."), sysctls?.dentryNegative != nil {
                add(ApplicableRemedy(
                    action: "negative-dentries", command: "memsleuth fix negative-dentries",
                    summary: "Delete a file's dentry when the file is deleted (fs.dentry-negative=1).",
                    expectedBytes: nil,
                    effect: "frees nothing at once: unlink stops leaving negative dentries (lookups of names that "
                        + "never existed still leave them)",
                    cost: NegativeDentries.cost, permanent: false, ruleIDs: [finding.ruleID]))
            }
        }
        return list
    }

    /// The level in `sync; echo 2 > /proc/sys/vm/drop_caches`.
    static func dropLevel(_ command: String) -> Int? {
        let words = command.split(separator: " ")
        guard let echo = words.firstIndex(of: "echo"), echo + 1 < words.count,
              let level = Int(words[echo + 1]), DropCaches.isValid(level: level) else { return nil }
        return level
    }

    /// 200 in `sysctl vm.vfs_cache_pressure=200`.
    static func trailingNumber(_ command: String) -> UInt64? {
        UInt64(String(command.reversed().prefix { $0.isNumber }.reversed()))
    }
}

/// `fs.dentry-negative` (Linux 6.12+): 1 makes unlink delete the dentry
/// instead of keeping it as a negative one.
public enum NegativeDentries {
    public static let explanation = """
        When a file is deleted, the kernel normally keeps its dentry as a negative one (a cached "this name does \
        not exist"), which speeds up programs that create and delete the same names. fs.dentry-negative=1 makes \
        unlink drop the dentry instead, so deleted files stop adding negative dentries. It does not stop lookups \
        of names that never existed (the NSS probe of the incident): those still leave negative dentries.
        """
    public static let cost = "a lookup of a just-deleted name goes to the file system instead of the cache"
}
