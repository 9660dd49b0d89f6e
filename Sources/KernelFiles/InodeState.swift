/// `/proc/sys/fs/inode-state` and `/proc/sys/fs/inode-nr`: the inode cache.
///
///     inode-state:  41728	1344	0	0	0	0	0
///                   nr_inodes nr_free_inodes preshrink dummy dummy dummy dummy
///     inode-nr:     41728	1344
///                   nr_inodes nr_free_inodes
///
/// Same layout since 2.6 (`preshrink` has been 0 for as long as 2.6 exists).
/// `nr_free_inodes` counts unused inodes kept as a cache.
public struct InodeState: Sendable, Equatable {
    public let nrInodes: UInt64
    public let nrFreeInodes: UInt64
    /// Only in `inode-state`; nil when read from `inode-nr`.
    public let preshrink: UInt64?

    public init(nrInodes: UInt64, nrFreeInodes: UInt64, preshrink: UInt64?) {
        self.nrInodes = nrInodes
        self.nrFreeInodes = nrFreeInodes
        self.preshrink = preshrink
    }

    /// Parses `inode-state` (seven fields).
    public static func parse(_ bytes: UnsafeRawBufferPointer, path: String) throws(ParseError) -> InodeState {
        let values = try IntegerLine.parse(
            bytes, path: path, count: 7, names: "nr_inodes nr_free_inodes preshrink and 4 dummies")
        return InodeState(nrInodes: values[0], nrFreeInodes: values[1], preshrink: values[2])
    }

    /// Parses `inode-nr` (two fields).
    public static func parseInodeNr(_ bytes: UnsafeRawBufferPointer, path: String) throws(ParseError) -> InodeState {
        let values = try IntegerLine.parse(bytes, path: path, count: 2, names: "nr_inodes nr_free_inodes")
        return InodeState(nrInodes: values[0], nrFreeInodes: values[1], preshrink: nil)
    }
}

extension ProcRoot {
    /// Reads `/proc/sys/fs/inode-state`.
    public func inodeState(buffer: ReadBuffer) throws(SourceError) -> InodeState {
        try parse("proc/sys/fs/inode-state", with: buffer, InodeState.parse)
    }

    /// Reads `/proc/sys/fs/inode-nr`.
    public func inodeNr(buffer: ReadBuffer) throws(SourceError) -> InodeState {
        try parse("proc/sys/fs/inode-nr", with: buffer, InodeState.parseInodeNr)
    }
}
