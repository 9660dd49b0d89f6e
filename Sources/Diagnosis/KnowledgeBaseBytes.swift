/// The knowledge base file as compiled into the binary by SwiftPM's
/// `.embedInCode` resource rule (no Foundation, no Bundle lookup at run time).
enum KnowledgeBaseBytes {
    static var embedded: [UInt8] { PackageResources.known_issues_json }
}
