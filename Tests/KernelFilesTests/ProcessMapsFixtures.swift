import KernelFiles
import TestSupport

/// The captured process trees of Tests/Fixtures/processes-maps: each a
/// `--root` with one `proc/<pid>` directory.
enum ProcessMapsFixtures {
    static var names: [String] {
        (try? ProcRoot(Fixtures.directory).list("processes-maps"))?.filter { !$0.hasPrefix(".") } ?? []
    }

    static func root(_ name: String) -> ProcRoot { ProcRoot(Fixtures.directory + "/processes-maps/" + name) }

    /// The one numeric entry under the tree's `proc/`.
    static func pid(_ name: String) -> Int32? {
        (try? root(name).list("proc"))?.compactMap { Int32($0) }.first
    }
}
