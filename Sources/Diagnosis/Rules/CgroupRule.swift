import MemoryModel

/// `cgroup.dying`: removed memory cgroups the kernel cannot free yet.
enum CgroupRule {
    static let dying = Rule(id: "cgroup.dying") { context, issue in
        guard let dying = context.input.cgroups?.dyingCgroups,
              let level = severity(Double(dying), warn: 1000, crit: 20000) else { return nil }
        return issue.finding(
            level, title: "\(dying) dying memory cgroups",
            evidence: [
                .count("nr_dying_descendants", dying, source: "/sys/fs/cgroup/cgroup.stat"),
                .count("live cgroups", context.input.cgroups.map { UInt64($0.totalCount) }, source: "/sys/fs/cgroup"),
            ])
    }
}
