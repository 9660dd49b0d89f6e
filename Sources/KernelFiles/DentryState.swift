/// `/proc/sys/fs/dentry-state`: the directory-entry cache's counters.
///
/// One line of six integers, tab-separated:
///
///     45207	30716	45	0	28658	0
///     nr_dentry nr_unused age_limit want_pages nr_negative dummy
///
/// `nr_negative` (dentries for names that do not exist) arrived in Linux 5.0
/// (commit af0c9af1b3f6, "fs/dcache: Track & report number of negative
/// dentries"); before that the fifth field is an unused 0, so it is reported
/// as nil there — never as a guessed 0. `age_limit` is in seconds,
/// `want_pages` is a flag the kernel no longer uses (always 0).
public struct DentryState: Sendable, Equatable {
    /// Dentries allocated (in use plus unused).
    public let nrDentry: UInt64
    /// Dentries on the LRU: unused, kept as a cache, reclaimable.
    public let nrUnused: UInt64
    /// Seconds after which an unused dentry may be reclaimed (45).
    public let ageLimit: UInt64
    public let wantPages: UInt64
    /// Negative dentries; nil before Linux 5.0 or when the release is unknown.
    public let nrNegative: UInt64?
    /// Why `nrNegative` is nil, for the user; nil when it is present.
    public let nrNegativeNote: String?

    public init(nrDentry: UInt64, nrUnused: UInt64, ageLimit: UInt64, wantPages: UInt64,
                nrNegative: UInt64?, nrNegativeNote: String?) {
        self.nrDentry = nrDentry
        self.nrUnused = nrUnused
        self.ageLimit = ageLimit
        self.wantPages = wantPages
        self.nrNegative = nrNegative
        self.nrNegativeNote = nrNegativeNote
    }

    static let fieldNames = "nr_dentry nr_unused age_limit want_pages nr_negative dummy"

    /// Parses the file; `release` decides whether the fifth field means
    /// anything (nil: unknown kernel, so it is not trusted).
    public static func parse(
        _ bytes: UnsafeRawBufferPointer, path: String, release: KernelRelease?
    ) throws(ParseError) -> DentryState {
        let values = try IntegerLine.parse(bytes, path: path, count: 6, names: fieldNames)
        let negative: UInt64?
        let note: String?
        switch release {
        case .some(let release) where release.isAtLeast(5, 0):
            negative = values[4]
            note = nil
        case .some(let release):
            negative = nil
            note = "Linux \(release.major).\(release.minor) does not count negative dentries (since 5.0)"
        case .none:
            negative = nil
            note = "kernel release unknown, so the nr_negative field cannot be trusted"
        }
        return DentryState(nrDentry: values[0], nrUnused: values[1], ageLimit: values[2],
                           wantPages: values[3], nrNegative: negative, nrNegativeNote: note)
    }
}

extension ProcRoot {
    /// Reads `/proc/sys/fs/dentry-state`, and `kernel/osrelease` to know
    /// whether `nr_negative` is there (an unreadable release gives nil).
    public func dentryState(buffer: ReadBuffer) throws(SourceError) -> DentryState {
        let release = try? kernelRelease(buffer: buffer)
        return try parse("proc/sys/fs/dentry-state", with: buffer) { (bytes, path) throws(ParseError) in
            try DentryState.parse(bytes, path: path, release: release)
        }
    }
}
