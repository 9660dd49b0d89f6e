import KernelFiles

/// Opens a bundle directory (a `.tar.gz` is extracted by the caller first):
/// its samples, oldest first, each a `ProcRoot`. A directory with a
/// `manifest.json` is read through it; a plain proc/sys tree without one is
/// a one-sample bundle whose time is unknown.
public struct BundleReader: Sendable {
    public struct Sample: Sendable {
        /// nil for a plain tree without a manifest.
        public let time: WallTime?
        public let root: ProcRoot
    }

    public let directory: String
    /// nil for a plain tree.
    public let manifest: BundleManifest?
    /// Oldest first; never empty.
    public let samples: [Sample]

    /// Reads the manifest (or recognises a plain tree) under `directory`.
    /// Throws with the file named when the manifest is missing from a
    /// directory that is no tree either, does not parse, or names a sample
    /// directory that is not there.
    public init(directory: String, io: FileIO = .system) throws(BundleManifest.Problem) {
        let base = ProcRoot(directory, io: io)
        self.directory = base.prefix.isEmpty ? "/" : base.prefix
        let manifestPath = base.path("manifest.json")
        let buffer = ReadBuffer()
        do {
            try base.read("manifest.json", into: buffer)
        } catch {
            guard error.errno == .noSuchFileOrDirectory else {
                throw BundleManifest.Problem(path: manifestPath, reason: error.reason)
            }
            guard base.exists("proc") || base.exists("sys") else {
                throw BundleManifest.Problem(
                    path: manifestPath,
                    reason: "no such file, and \(self.directory) has no proc/ or sys/ either (not a bundle)")
            }
            manifest = nil
            samples = [Sample(time: nil, root: base)]
            return
        }
        let manifest = try buffer.withBytes { (bytes) throws(BundleManifest.Problem) in
            try BundleManifest.parse(bytes, path: manifestPath)
        }
        var samples: [Sample] = []
        for sample in manifest.samples {
            let root = ProcRoot(base.path(sample.dir), io: io)
            guard root.exists("proc") || root.exists("sys") else {
                throw BundleManifest.Problem(
                    path: manifestPath, reason: "sample \(sample.dir) has no proc/ or sys/ in the bundle")
            }
            samples.append(Sample(time: sample.time, root: root))
        }
        // Oldest first whatever the manifest's order; equal times keep it.
        let order = samples.indices.sorted { a, b in
            let (x, y) = (samples[a].time, samples[b].time)
            if let x, let y, x != y { return x < y }
            return a < b
        }
        self.manifest = manifest
        self.samples = order.map { samples[$0] }
    }

    /// The root for one-sample views: the newest sample.
    public var latest: Sample {
        // `samples` is never empty (the manifest requires one; a plain tree is one).
        samples[samples.count - 1]
    }

    /// Every sample collected into a snapshot, oldest first — a bundle's
    /// history. Each snapshot's `time` is the sample's (not the time of
    /// reading it back); a plain tree keeps the time it was read.
    public func snapshots(includeProcesses: Bool = true, includeCgroups: Bool = true) -> [Snapshot] {
        samples.map { sample in
            var snapshot = SnapshotCollector(
                root: sample.root, includeProcesses: includeProcesses, includeCgroups: includeCgroups
            ).collect()
            if let time = sample.time { snapshot.time = time }
            return snapshot
        }
    }
}
