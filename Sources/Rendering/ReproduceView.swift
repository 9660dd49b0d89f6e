import SlabTrace

/// `memsleuth reproduce dentry-leak`: what ran and how much the dentry cache grew.
public enum ReproduceView {
    public static func text(_ outcome: DentryLeakRehearsal.Outcome, probes: Int) -> String {
        var out = "started \(outcome.probers) short-lived nss-probe processes (\(probes) lookups of missing names each)"
            + " from \(outcome.script) (pid \(outcome.scriptPID)) in \(CFormat.oneDecimal(outcome.elapsedSeconds)) s"
            + (outcome.interrupted ? ", interrupted" : "") + "\n"
        if outcome.cacheEnvironmentSet {
            out += "NSS_SDB_USE_CACHE=yes is set: the probers did not probe (the fix), so the cache should not grow\n"
        }
        out += line("nr_dentry", outcome.before.nrDentry, outcome.after.nrDentry, outcome.afterCleanup?.nrDentry)
        out += line("nr_negative", outcome.before.nrNegative, outcome.after.nrNegative, outcome.afterCleanup?.nrNegative)
        out += line("slabinfo dentry objects", outcome.before.slabObjects, outcome.after.slabObjects, outcome.afterCleanup?.slabObjects)
        if let before = outcome.before.slabBytes, let after = outcome.after.slabBytes {
            out += "dentry cache size: \(ByteFormatter.human(before)) → \(ByteFormatter.human(after))"
                + " (\(ByteFormatter.human(signed: Int64(bitPattern: after &- before))))\n"
        }
        out += outcome.kept
            ? "kept \(outcome.directory) (remove it to prune its negative dentries: rm -r \(outcome.directory))\n"
            : "cleaned up \(outcome.directory) (removing it pruned its negative dentries)\n"
        return out
    }

    static func line(_ name: String, _ before: UInt64?, _ after: UInt64?, _ cleaned: UInt64?) -> String {
        guard let before, let after else { return "\(name): unavailable\n" }
        var text = "\(name): \(before) → \(after) (\(signed(after, before)))"
        if let cleaned { text += ", \(cleaned) after cleanup" }
        return text + "\n"
    }

    static func signed(_ after: UInt64, _ before: UInt64) -> String {
        after >= before ? "+\(after - before)" : "-\(before - after)"
    }

    public static func json(_ outcome: DentryLeakRehearsal.Outcome, rate: Double, probes: Int) -> JSONValue {
        func reading(_ reading: DentryLeakRehearsal.Reading?) -> JSONValue {
            guard let reading else { return .null }
            return .object([
                ("nr_dentry", .uint(reading.nrDentry)), ("nr_negative", .uint(reading.nrNegative)),
                ("slab_objects", .uint(reading.slabObjects)), ("slab_bytes", .uint(reading.slabBytes)),
            ])
        }
        func growth(_ before: UInt64?, _ after: UInt64?) -> JSONValue {
            guard let before, let after else { return .null }
            return .int(Int64(bitPattern: after &- before))
        }
        return .object([
            ("rate_per_second", .double(rate)),
            ("probes", .uint(UInt64(probes))),
            ("probers", .uint(UInt64(outcome.probers))),
            ("elapsed_seconds", .double(outcome.elapsedSeconds)),
            ("interrupted", .bool(outcome.interrupted)),
            ("nss_sdb_use_cache", .bool(outcome.cacheEnvironmentSet)),
            ("script", .string(outcome.script)),
            ("script_pid", .int(Int64(outcome.scriptPID))),
            ("directory", .string(outcome.directory)),
            ("kept", .bool(outcome.kept)),
            ("before", reading(outcome.before)),
            ("after", reading(outcome.after)),
            ("after_cleanup", reading(outcome.afterCleanup)),
            ("nr_dentry_growth", growth(outcome.before.nrDentry, outcome.after.nrDentry)),
            ("nr_negative_growth", growth(outcome.before.nrNegative, outcome.after.nrNegative)),
            ("slab_objects_growth", growth(outcome.before.slabObjects, outcome.after.slabObjects)),
        ])
    }
}
