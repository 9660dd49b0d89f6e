@testable import Diagnosis
import Testing

@Suite struct KnowledgeBaseTests {
    /// The embedded file parses: a malformed knowledge base fails here, not at run time.
    @Test func embeddedFileParses() throws {
        let kb = try KnowledgeBase.embedded()
        #expect(kb.issues.count >= 20)
    }

    /// Every rule has exactly one entry and every entry a rule.
    @Test func entriesMatchTheRules() throws {
        let kb = try KnowledgeBase.embedded()
        let entryIDs = kb.issues.map(\.id)
        #expect(Set(entryIDs).count == entryIDs.count, "duplicate ids")
        #expect(Set(entryIDs) == Set(Doctor.ruleIDs))
        #expect(Set(Doctor.ruleIDs).count == Doctor.ruleIDs.count, "two rules with one id")
    }

    /// The issue's ids are contracts.
    @Test func contractIDsArePresent() throws {
        let ids = Set(try KnowledgeBase.embedded().issues.map(\.id))
        for id in ["memory.used", "slab.reclaimable.runaway", "slab.dentry.dominant", "slab.dentry.negative",
                   "slab.dentry.negative-growth", "nss.sdb-probe", "slab.inode.bloat", "slab.unreclaimable.growth",
                   "pagecache.healthy", "shmem.large", "process.large", "swap.pressure", "memory.pressure", "overcommit",
                   "fragmentation.high-order", "numa.imbalance", "hugepages.unused", "cgroup.dying",
                   "kernel.stacks-pagetables", "memory.unaccounted"] {
            #expect(ids.contains(id), "\(id)")
        }
    }

    @Test func everyEntryTeachesAndHelps() throws {
        for issue in try KnowledgeBase.embedded().issues {
            #expect(!issue.symptoms.isEmpty, "\(issue.id)")
            #expect(issue.explanation.count > 150, "\(issue.id): explain the memory model")
            #expect(!issue.references.isEmpty, "\(issue.id)")
            #expect(!issue.remedies.isEmpty, "\(issue.id)")
            for remedy in issue.remedies { #expect(!remedy.cost.isEmpty, "\(issue.id)") }
        }
    }

    @Test func nssEntryCarriesTheKnownFix() throws {
        let nss = try #require(try KnowledgeBase.embedded()["nss.sdb-probe"])
        #expect(nss.remedies.contains { $0.command == "export NSS_SDB_USE_CACHE=yes" && $0.permanent })
        #expect(nss.remedies.contains { $0.summary.contains("nss 3.53.1") && $0.permanent })
        #expect(nss.remedies.contains { $0.command?.contains("echo 2 > /proc/sys/vm/drop_caches") == true && !$0.permanent })
        #expect(nss.references.contains("https://bugzilla.redhat.com/show_bug.cgi?id=1779325"))
        #expect(nss.references.contains("https://access.redhat.com/errata/RHSA-2020:4076"))
    }

    @Test(arguments: [
        (#"{"issues": []}"#, "no version"),
        (#"{"version": 2, "issues": []}"#, "unknown version"),
        (#"{"version": 1}"#, "no issues"),
        (#"{"version": 1, "issues": [{"id": "a"}]}"#, "missing fields"),
        (#"{"version": 1, "issues": [{"id": "a", "title": "t", "symptoms": [], "explanation": "e", "remedies": [], "references": []}]}"#, "no remedy"),
        (#"{"version": 1, "issues": [{"id": "a", "title": "t", "symptoms": [1], "explanation": "e", "remedies": [{"summary": "s", "command": null, "cost": "c", "permanent": true}], "references": []}]}"#, "symptom not a string"),
        (#"{"version": 1, "issues": [{"id": "a", "title": "t", "symptoms": [], "explanation": "e", "remedies": [{"summary": "s", "command": 3, "cost": "c", "permanent": true}], "references": []}]}"#, "command not a string"),
        (#"{"version": 1, "issues": [{"id": "a", "title": "t", "symptoms": [], "explanation": "e", "remedies": [{"summary": "s", "command": null, "cost": "c"}], "references": []}]}"#, "permanent missing"),
        ("{\"version\": 1, \"issues\": [", "truncated"),
    ])
    func malformedKnowledgeBaseIsAnError(_ text: String, _ why: String) {
        #expect(throws: KnowledgeBaseError.self, "\(why)") { try KnowledgeBase.parse(Array(text.utf8)) }
    }

    @Test func duplicateIDsAreRefused() {
        let entry = #"{"id": "a", "title": "t", "symptoms": [], "explanation": "e", "remedies": [{"summary": "s", "command": null, "cost": "c", "permanent": true}], "references": []}"#
        let text = #"{"version": 1, "issues": ["# + entry + "," + entry + "]}"
        #expect(throws: KnowledgeBaseError.self) { try KnowledgeBase.parse(Array(text.utf8)) }
    }
}
