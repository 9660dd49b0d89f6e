import Diagnosis
import KernelFiles
import MemoryModel

/// `fix --watch`: after an action, whether the dentry cache grows back and
/// how fast, judged by the trend engine (Theil–Sen slope, Mann–Kendall).
/// A cache that regrows means what filled it is still running.
public struct RegrowthWatch: Sendable {
    /// One sample: seconds since the watch began, nr_dentry and the dentry
    /// and inode slab bytes (nil when unreadable).
    public struct Sample: Sendable, Equatable {
        public var seconds: Double
        public var nrDentry: UInt64?
        public var dentryBytes: UInt64?
        public var inodeBytes: UInt64?
        public init(seconds: Double, nrDentry: UInt64?, dentryBytes: UInt64?, inodeBytes: UInt64?) {
            self.seconds = seconds
            self.nrDentry = nrDentry
            self.dentryBytes = dentryBytes
            self.inodeBytes = inodeBytes
        }
        public init(seconds: Double, _ figures: CacheFigures) {
            self.init(seconds: seconds, nrDentry: figures.dentryState?.nrDentry, dentryBytes: figures.dentryBytes,
                      inodeBytes: figures.inodeBytes)
        }
    }

    public var samples: [Sample] = []
    public init() {}

    public mutating func add(_ sample: Sample) { samples.append(sample) }

    public var dentries: TrendAnalysis { trend(\.nrDentry) }
    public var dentryBytes: TrendAnalysis { trend(\.dentryBytes) }

    func trend(_ key: KeyPath<Sample, UInt64?>) -> TrendAnalysis {
        TrendAnalysis(samples.compactMap { sample in sample[keyPath: key].map { TrendPoint(seconds: sample.seconds, value: Double($0)) } })
    }

    /// The conclusion: regrowing (the cause still runs), flat, or too soon to say.
    public enum Verdict: String, Sendable { case regrowing, steady, unknown }

    public var verdict: Verdict {
        let trends = [dentries, dentryBytes]
        if trends.contains(where: { $0.growth == .leakLike || $0.growth == .growing }) { return .regrowing }
        if trends.allSatisfy({ $0.growth == .unknown }) { return .unknown }
        return .steady
    }
}
