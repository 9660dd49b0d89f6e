import KernelFiles
import MemoryModel

/// `nss.sdb-probe`: the incident's signature. A process mapping NSS's
/// libnss3/libsoftokn3 (curl built against NSS, as on RHEL 6 and 7) without
/// NSS_SDB_USE_CACHE in its environment probes the file system with
/// access() on names that do not exist; beside a large or growing dentry
/// cache that is the cause (Red Hat BZ#1779325).
enum NSSRule {
    static let libraries = ["libnss3.so", "libsoftokn3.so"]
    static let variable = "NSS_SDB_USE_CACHE"

    /// A suspect maps an NSS library and does not have the variable set
    /// (any value turns the probe off: NSS reads only whether it is
    /// "yes"/"no" to decide, and measures when it is absent).
    static func isProbing(_ process: ProcessEvidence) -> Bool {
        let mapsNSS = process.mappedLibraries.contains { path in
            let name = path.split(separator: "/").last.map(String.init) ?? path
            return libraries.contains { name.hasPrefix($0) }
        }
        return mapsNSS && process.environment?[variable] == nil
    }

    /// Interpreters whose first argument is the script being run.
    static let interpreters: Set<String> = ["sh", "bash", "dash", "ksh", "zsh", "ash", "busybox", "python", "python2", "python3", "perl", "ruby"]

    /// The script that runs the process, when the parent chain shows one:
    /// the first ancestor run as `INTERPRETER [options] SCRIPT …`, or one
    /// whose command itself ends in `.sh`.
    static func callingScript(_ process: ProcessEvidence) -> (pid: Int32, script: String, cmdline: String)? {
        for ancestor in process.ancestors {
            let words = ancestor.cmdline.split(separator: " ").map(String.init)
            guard let first = words.first else { continue }
            let program = first.split(separator: "/").last.map(String.init) ?? first
            if first.hasSuffix(".sh") { return (ancestor.pid, first, ancestor.cmdline) }
            let base = program.hasPrefix("python") ? "python" : program
            guard interpreters.contains(base) || interpreters.contains(program) else { continue }
            if let script = words.dropFirst().first(where: { !$0.hasPrefix("-") }) {
                return (ancestor.pid, script, ancestor.cmdline)
            }
        }
        return nil
    }

    static let rule = Rule(id: "nss.sdb-probe") { context, issue in
        let probing = context.input.suspects.filter(isProbing)
        guard let first = probing.first else { return nil }
        // How much the dentry cache says: dominant/large, or growing.
        let dentry = DentryRules.dentryBytes(context.snapshot)
        let dentryShare = context.percentOfTotal(dentry?.bytes)
        let growth = Trend(context.samples) { DentryRules.dentryBytes($0).map { Double($0.bytes) } }
        var growing = false
        if let growth, growth.isEstablished, let total = context.memTotal { growing = growth.perHour / Double(total) * 100 >= 0.1 }
        let level: Severity
        if let dentryShare, dentryShare >= 30 { level = .critical }
        else if (dentryShare ?? 0) >= 10 || growing { level = .warning }
        else { level = .info }

        let script = probing.lazy.compactMap(callingScript).first
        var evidence: [Evidence] = []
        for process in probing.prefix(5) {
            let libs = process.mappedLibraries.filter { path in libraries.contains { path.contains($0) } }
            evidence.append(.text("process \(process.pid)", process.cmdline.isEmpty ? process.command : process.cmdline,
                                  source: "/proc/\(process.pid)/cmdline"))
            evidence.append(.text("NSS libraries mapped by \(process.pid)", libs.joined(separator: ", "), source: "/proc/\(process.pid)/maps"))
            evidence.append(.text("\(variable) in \(process.pid)'s environment",
                                  process.environment == nil ? "unknown (environ unreadable)" : "not set",
                                  source: "/proc/\(process.pid)/environ"))
        }
        if let script {
            evidence.append(.text("calling script (pid \(script.pid))", script.script, source: "/proc/\(script.pid)/cmdline"))
        }
        if let dentry {
            evidence.append(.bytes("dentry cache", dentry.bytes, source: dentry.estimated ? "derived: nr_dentry x 192 bytes" : Snapshot.slabinfoSource,
                                   text: dentry.estimated ? "estimate" : nil))
        }
        if let dentryShare { evidence.append(.percent("dentry share of MemTotal", dentryShare, source: "derived: /proc/meminfo")) }
        if let growth {
            evidence.append(Evidence(name: "dentry cache growth", value: growth.perHour, unit: .bytes, source: "derived: history",
                                     text: "bytes per hour"))
        }

        let who = "\(first.command) (pid \(first.pid))" + (probing.count > 1 ? " and \(probing.count - 1) more" : "")
        var detail = "\(who) maps NSS (\(libraries.joined(separator: ", "))) and runs without \(variable)"
        if first.environment == nil { detail += " as far as can be told (its environment could not be read)" }
        if let script { detail += "; it is run by \(script.script) (pid \(script.pid): \(script.cmdline))" }
        switch level {
        case .critical, .warning: detail += ". The dentry cache is large or growing: this is the known NSS probe."
        default: detail += ". The dentry cache is not large yet; it will grow while this runs repeatedly."
        }

        var remedies = issue.remedies
        if let script, let index = remedies.firstIndex(where: { $0.command == "export \(variable)=yes" }) {
            remedies[index].summary = "Set \(variable)=yes in \(script.script), before it calls \(first.command)."
        }
        let title = "\(first.command) (pid \(first.pid)) probes for missing files through NSS"
            + (script.map { ", run by \($0.script)" } ?? "")
        return issue.finding(level, title: title, evidence: evidence, detail: detail, remedies: remedies)
    }
}
