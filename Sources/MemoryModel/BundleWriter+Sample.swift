import KernelFiles

extension BundleWriter {
    /// The variables of `/proc/PID/environ` a bundle keeps: the doctor's NSS
    /// check needs `NSS_SDB_USE_CACHE`, and nothing else there is memsleuth's
    /// business (environments hold passwords and tokens).
    public static let environAllowList: Set<String> = ["NSS_SDB_USE_CACHE"]

    /// The per-process files a sample keeps besides those the snapshot
    /// reads: what `ps`, `cgroups` and the doctor read for any process.
    /// Not `smaps` (large: `smaps_rollup` holds its sums) nor `environ`
    /// (filtered, see `environAllowList`) nor `pagemap`.
    public static let processFiles = ["status", "stat", "statm", "smaps_rollup", "cmdline", "comm", "cgroup", "maps"]

    /// What one captured sample holds.
    public struct SampleResult {
        /// The snapshot taken while capturing (its time is the sample's).
        public let snapshot: Snapshot
        public let files: Int
        /// Paths relative to the bundle (`samples/0000/…`).
        public let skipped: [BundleManifest.Skipped]
    }

    /// Captures one sample of `source` into `sampleDir` (e.g. `samples/0000`):
    /// every file a `SnapshotCollector` opens, as it opened them; then for
    /// every process the files of `processFiles`, `environ` reduced to the
    /// allow-list, and `exe` as a link to the path the kernel reports; then
    /// the alias links of `/sys/kernel/slab`. A file that cannot be read is
    /// skipped and listed, except per-process files that are gone (the
    /// process exited, or this kernel has no such file). Throws only when
    /// the bundle cannot be written.
    public func captureSample(from source: ProcRoot, into sampleDir: String) throws(Failure) -> SampleResult {
        let snapshot = SnapshotCollector(root: source).collect()
        let buffer = ReadBuffer()
        var files = 0
        var skipped: [BundleManifest.Skipped] = []
        var done: Set<String> = []

        /// Copies one file; false when the process it belongs to is gone.
        @discardableResult
        func copy(_ relative: String, perProcess: Bool, filter: ((ReadBuffer) -> [UInt8])? = nil) throws(Failure) -> Bool {
            guard done.insert(relative).inserted else { return true }
            do {
                try source.read(relative, into: buffer)
            } catch {
                if perProcess && error.isNoData { return false }
                skipped.append(.init(path: sampleDir + "/" + relative, reason: error.reason))
                return true
            }
            if let filter {
                let kept = filter(buffer)
                try write(sampleDir + "/" + relative, bytes: kept)
            } else {
                try buffer.withBytes { (bytes) throws(Failure) in try write(sampleDir + "/" + relative, bytes) }
            }
            files += 1
            return true
        }

        for relative in snapshot.filesRead where Self.isCapturable(relative) {
            try copy(relative, perProcess: relative.hasPrefix("proc/") && relative.utf8.dropFirst(5).first.map { $0 &- UInt8(ascii: "0") < 10 } == true)
        }
        for pid in (try? source.pids()) ?? [] {
            let base = "proc/\(pid)/"
            guard try copy(base + "status", perProcess: true) else { continue }
            for name in Self.processFiles.dropFirst() { try copy(base + name, perProcess: true) }
            try copy(base + "environ", perProcess: true, filter: { Self.allowListed($0) })
            let target: String
            do { target = try source.readLink(base + "exe") } catch {
                if !error.isNoData { skipped.append(.init(path: sampleDir + "/" + base + "exe", reason: error.reason)) }
                continue
            }
            if !contains(sampleDir + "/" + base + "exe") {
                try link(sampleDir + "/" + base + "exe", to: target)
                files += 1
            }
        }
        // tmpfs usage is statfs(2) of the live mounts: keep the figures
        // (`CapturedTmpfs`), as scripts/capture-fixture does.
        if source.isLive {
            let tmpfs = CapturedTmpfs.Mount.gather(root: source, buffer: buffer)
            try write(sampleDir + "/memsleuth/tmpfs", text: CapturedTmpfs(mounts: tmpfs.mounts).text)
            files += 1
        }
        // Merged slab caches are links to a shared directory; keep them as links.
        for name in (try? source.list("sys/kernel/slab")) ?? [] {
            let relative = "sys/kernel/slab/" + name
            guard let target = try? source.readLink(relative), !contains(sampleDir + "/" + relative) else { continue }
            try link(sampleDir + "/" + relative, to: target)
            files += 1
        }
        return SampleResult(snapshot: snapshot, files: files, skipped: skipped)
    }

    /// Never copied as read: `environ` (secrets; filtered instead), a
    /// manifest or anything outside the root (`../../manifest.json`, which
    /// the page-size lookup tries on a bundle's sample).
    static func isCapturable(_ relative: String) -> Bool {
        BundleManifest.isSafeRelative(relative) && !relative.hasSuffix("/environ") && relative != "manifest.json"
    }

    /// The NUL-separated `KEY=VALUE` entries of an environ file whose key is
    /// allow-listed, in the kernel's own format.
    static func allowListed(_ buffer: ReadBuffer) -> [UInt8] {
        buffer.withBytes { bytes in
            var kept: [UInt8] = []
            for entry in bytes.split(separator: 0, omittingEmptySubsequences: true) {
                guard let equals = entry.firstIndex(of: UInt8(ascii: "=")) else { continue }
                let key = String(decoding: entry[entry.startIndex..<equals], as: UTF8.self)
                guard environAllowList.contains(key) else { continue }
                kept.append(contentsOf: entry)
                kept.append(0)
            }
            return kept
        }
    }
}
