import Diagnosis
import KernelFiles
import MemoryModel
import Remedies
import Rendering

extension FixView {
    // MARK: the list

    static func list(_ remedies: [ApplicableRemedy], report: DoctorReport, recent: [String]) -> String {
        var head = "memsleuth fix: \(report.verdictName), \(report.findings.count) finding\(report.findings.count == 1 ? "" : "s")"
        if remedies.isEmpty {
            head += "; no remedy memsleuth can carry out applies (memsleuth doctor says what to do by hand)."
        } else {
            head += "; \(remedies.count) remed\(remedies.count == 1 ? "y" : "ies") memsleuth can carry out "
                + "(each a dry run until --apply):"
        }
        var out = wrap(head, indent: 0)
        for (index, remedy) in remedies.enumerated() {
            out += "\n\(index + 1). \(remedy.command)\n"
            out += wrap(remedy.summary + " [\(remedy.permanent ? "permanent" : "stop-gap")]", indent: 3)
            let bytes = remedy.expectedBytes.map { size(Int64(clamping: $0)) + ": " } ?? ""
            out += wrap("Effect: " + bytes + remedy.effect, indent: 3)
            out += wrap("Cost: " + remedy.cost, indent: 3)
            out += wrap("For: " + remedy.ruleIDs.joined(separator: ", "), indent: 3)
        }
        if !recent.isEmpty {
            out += "\nRecent actions (last 24 h; memsleuth fix --log):\n" + recent.map { "  \($0)\n" }.joined()
        }
        return out
    }

    static func listJSON(_ remedies: [ApplicableRemedy], report: DoctorReport) -> JSONValue {
        .object([
            ("verdict", .string(report.verdictName)),
            ("remedies", .array(remedies.map { remedy in
                .object([
                    ("action", .string(remedy.action)), ("command", .string(remedy.command)),
                    ("summary", .string(remedy.summary)), ("expected_bytes", .uint(remedy.expectedBytes)),
                    ("effect", .string(remedy.effect)), ("cost", .string(remedy.cost)),
                    ("permanent", .bool(remedy.permanent)), ("rule_ids", .array(remedy.ruleIDs.map(JSONValue.string))),
                ])
            })),
        ])
    }

    // MARK: the log

    /// One line per record: time, user, action and arguments, and the
    /// figure that tells what it did.
    static func summary(_ record: ActionRecord) -> String {
        var line = "\(record.time)  \(record.user)  \(record.action)"
        if !record.arguments.isEmpty { line += " " + record.arguments.joined(separator: " ") }
        switch record.action {
        case "drop-caches":
            let before = ActionRecord.number("memfree_bytes", in: record.before)
            let after = ActionRecord.number("memfree_bytes", in: record.after)
            if let before, let after { line += ": MemFree +" + size(Int64(after - before)) }
            if let dentries = ActionRecord.number("dentry_slab_bytes", in: record.before),
               let left = ActionRecord.number("dentry_slab_bytes", in: record.after) {
                line += ", dentries -" + size(Int64(dentries - left))
            }
        case "cache-pressure", "negative-dentries":
            let before = ActionRecord.number("value", in: record.before).map { String(Int64($0)) } ?? "?"
            let after = ActionRecord.number("value", in: record.after).map { String(Int64($0)) } ?? "?"
            line += ": \(before) -> \(after)"
        case "nss-env":
            if case .string(let backup)? = record.after.first(where: { $0.key == "backup" })?.value {
                line += ": backup \(backup)"
            }
        default: break
        }
        return line
    }

    static func logText(_ records: [ActionRecord], path: String, skipped: Int) -> String {
        var out = records.isEmpty ? "No actions logged in \(path).\n" : "Actions logged in \(path), oldest first:\n"
        for record in records { out += "  " + summary(record) + "\n" }
        if skipped > 0 { out += "(\(skipped) line\(skipped == 1 ? "" : "s") that are not records skipped)\n" }
        return out
    }

    static func logJSON(_ records: [ActionRecord], path: String) -> JSONValue {
        .object([
            ("path", .string(path)),
            ("actions", .array(records.map { record in
                .object([
                    ("time", .string(record.time)), ("user", .string(record.user)), ("action", .string(record.action)),
                    ("arguments", .array(record.arguments.map(JSONValue.string))),
                    ("before", json(record.before)), ("after", json(record.after)),
                ])
            })),
        ])
    }

    // MARK: the watch

    static func watchProgress(index: Int, count: Int, seconds: Double, figures: CacheFigures, first: CacheFigures?) -> String {
        var line = "memsleuth: watch \(index)/\(count) at \(Int(seconds)) s:"
        if let nr = figures.dentryState?.nrDentry {
            line += " nr_dentry \(nr)"
            if let start = first?.dentryState?.nrDentry { line += " (\(nr >= start ? "+" : "-")\(nr >= start ? nr - start : start - nr))" }
        }
        if let bytes = figures.dentryBytes { line += ", dentry slab " + size(Int64(clamping: bytes)) }
        return line + "\n"
    }

    static func watchText(_ watch: RegrowthWatch) -> String {
        let dentries = watch.dentries
        let bytes = watch.dentryBytes
        let span = watch.samples.last?.seconds ?? 0
        var out = "Watched the dentry cache for \(Int(span)) s (\(watch.samples.count) samples).\n"
        if let perHour = dentries.perHour {
            out += "  nr_dentry: \(Int64(dentries.first)) -> \(Int64(dentries.last)), \(CFormat.oneDecimal(perHour)) per hour (\(dentries.growth.rawValue))\n"
        }
        if let perHour = bytes.perHour {
            out += "  dentry slab: \(size(Int64(bytes.first))) -> \(size(Int64(bytes.last))), \(size(Int64(perHour)))/h (\(bytes.growth.rawValue))\n"
        }
        switch watch.verdict {
        case .regrowing:
            out += "The cache grows back: the cause is still running. Find it (memsleuth trace slab --cache dentry, "
                + "memsleuth doctor) and fix it; dropping caches again only buys time.\n"
        case .steady:
            out += "No regrowth in this time: whatever filled the cache is not running now.\n"
        case .unknown:
            out += "Too few samples to say whether the cache grows back (watch longer, or sample more often with --every).\n"
        }
        return out
    }

    static func watchJSON(_ watch: RegrowthWatch) -> JSONValue {
        func trend(_ analysis: TrendAnalysis) -> JSONValue {
            .object([("first", .double(analysis.first)), ("last", .double(analysis.last)),
                     ("per_hour", .double(analysis.perHour)), ("growth", .string(analysis.growth.rawValue))])
        }
        return .object([
            ("samples", .int(Int64(watch.samples.count))),
            ("span_seconds", .double(watch.samples.last?.seconds ?? 0)),
            ("nr_dentry", trend(watch.dentries)), ("dentry_slab_bytes", trend(watch.dentryBytes)),
            ("verdict", .string(watch.verdict.rawValue)),
            ("cause_still_running", .bool(watch.verdict == .regrowing)),
        ])
    }
}
