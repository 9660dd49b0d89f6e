import KernelFiles

/// One known failure mode, as written in `KnowledgeBase/known-issues.json`:
/// the text a finding carries. Rules decide *whether* it applies; this says
/// what it means and what to do.
public struct KnownIssue: Sendable, Equatable {
    /// The rule id (stable contract, e.g. `slab.dentry.negative-growth`).
    public var id: String
    public var title: String
    public var symptoms: [String]
    public var explanation: String
    public var remedies: [Remedy]
    public var references: [String]

    public init(id: String, title: String, symptoms: [String], explanation: String, remedies: [Remedy],
                references: [String]) {
        self.id = id
        self.title = title
        self.symptoms = symptoms
        self.explanation = explanation
        self.remedies = remedies
        self.references = references
    }
}

/// Why the knowledge base could not be read: a path into the document and
/// what was wrong there.
public struct KnowledgeBaseError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { "known-issues.json: \(message)" }
}

/// The failure modes memsleuth knows, keyed by rule id.
///
/// Format (`version` 1):
///
///     {"version": 1, "issues": [{"id": "slab.dentry.dominant", "title": "…",
///       "symptoms": ["…"], "explanation": "…",
///       "remedies": [{"summary": "…", "command": "… or null", "cost": "…", "permanent": true}],
///       "references": ["https://…"]}]}
public struct KnowledgeBase: Sendable, Equatable {
    public var issues: [KnownIssue]

    public init(issues: [KnownIssue]) { self.issues = issues }

    public subscript(id: String) -> KnownIssue? { issues.first { $0.id == id } }

    /// The file compiled into the binary. Tests prove it parses and matches
    /// the rules, so a failure here is a build defect; callers still get a
    /// value, never a trap.
    public static func embedded() throws(KnowledgeBaseError) -> KnowledgeBase {
        try parse(KnowledgeBaseBytes.embedded)
    }

    public static func parse(_ bytes: [UInt8]) throws(KnowledgeBaseError) -> KnowledgeBase {
        let document: JSONNode
        do { document = try JSONParser.parse(bytes) } catch { throw KnowledgeBaseError(error.description) }
        guard case .number(let version)? = document.member("version"), version == 1 else {
            throw KnowledgeBaseError("expected \"version\": 1")
        }
        guard let items = document.member("issues")?.arrayValue else { throw KnowledgeBaseError("expected an \"issues\" array") }
        var issues: [KnownIssue] = []
        for (index, item) in items.enumerated() {
            let issue = try decodeIssue(item, at: "issues[\(index)]")
            guard !issues.contains(where: { $0.id == issue.id }) else {
                throw KnowledgeBaseError("issues[\(index)]: duplicate id \(issue.id)")
            }
            issues.append(issue)
        }
        return KnowledgeBase(issues: issues)
    }

    private static func decodeIssue(_ node: JSONNode, at path: String) throws(KnowledgeBaseError) -> KnownIssue {
        let id = try string(node, "id", path)
        let remedyNodes = try array(node, "remedies", path)
        var remedies: [Remedy] = []
        for (index, remedy) in remedyNodes.enumerated() {
            let at = "\(path).remedies[\(index)]"
            let command: String?
            switch remedy.member("command") {
            case .string(let value)?: command = value
            case .null?: command = nil
            default: throw KnowledgeBaseError("\(at): expected \"command\" as a string or null")
            }
            guard let permanent = remedy.member("permanent")?.boolValue else {
                throw KnowledgeBaseError("\(at): expected \"permanent\" as true or false")
            }
            remedies.append(Remedy(summary: try string(remedy, "summary", at), command: command,
                                   cost: try string(remedy, "cost", at), permanent: permanent))
        }
        guard !remedies.isEmpty else { throw KnowledgeBaseError("\(path) (\(id)): expected at least one remedy") }
        return KnownIssue(
            id: id, title: try string(node, "title", path), symptoms: try strings(node, "symptoms", path),
            explanation: try string(node, "explanation", path), remedies: remedies,
            references: try strings(node, "references", path))
    }

    private static func string(_ node: JSONNode, _ key: String, _ path: String) throws(KnowledgeBaseError) -> String {
        guard let value = node.member(key)?.stringValue, !value.isEmpty else {
            throw KnowledgeBaseError("\(path): expected \"\(key)\" as a non-empty string")
        }
        return value
    }

    private static func array(_ node: JSONNode, _ key: String, _ path: String) throws(KnowledgeBaseError) -> [JSONNode] {
        guard let value = node.member(key)?.arrayValue else { throw KnowledgeBaseError("\(path): expected \"\(key)\" as an array") }
        return value
    }

    private static func strings(_ node: JSONNode, _ key: String, _ path: String) throws(KnowledgeBaseError) -> [String] {
        var result: [String] = []
        for (index, item) in try array(node, key, path).enumerated() {
            guard let text = item.stringValue else { throw KnowledgeBaseError("\(path).\(key)[\(index)]: expected a string") }
            result.append(text)
        }
        return result
    }
}
