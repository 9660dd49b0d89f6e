/// A growable byte buffer that one thread reuses for every file it reads, so
/// that sampling /proc allocates nothing once the buffer has grown to the
/// largest file.
///
/// Why not `Data(contentsOf:)` or `String(contentsOfFile:)`: /proc files
/// report a size of 0 (or 4096) in `stat`, and on this toolchain Foundation
/// trusts it and silently returns only the first ~4 KiB (4073 of 25410 bytes
/// of slabinfo). We read until `read(2)` returns 0 instead.
public final class ReadBuffer {
    private var storage: UnsafeMutableRawBufferPointer
    /// Bytes of the last file read.
    public private(set) var count: Int = 0

    /// Files larger than this are refused: no kernel memory file comes close,
    /// and a runaway or hostile file must not take the host's memory.
    public static let maximumSize = 256 << 20

    public init(capacity: Int = 64 << 10) {
        storage = .allocate(byteCount: max(capacity, 4096), alignment: 16)
    }

    deinit { storage.deallocate() }

    public var capacity: Int { storage.count }

    /// The bytes read, valid only inside `body`.
    public func withBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        try body(UnsafeRawBufferPointer(rebasing: storage[0..<count]))
    }

    /// A copy of the bytes read, for tests and for the rare caller that keeps them.
    public var bytes: [UInt8] { withBytes { Array($0) } }

    func reset() { count = 0 }

    /// Free space after the bytes read so far, growing the storage when full.
    /// Returns nil when the file passed `maximumSize`.
    func spaceForMore() -> UnsafeMutableRawBufferPointer? {
        if count == storage.count {
            guard storage.count < Self.maximumSize else { return nil }
            let grown = UnsafeMutableRawBufferPointer.allocate(
                byteCount: min(storage.count * 2, Self.maximumSize), alignment: 16)
            grown.copyMemory(from: UnsafeRawBufferPointer(rebasing: storage[0..<count]))
            storage.deallocate()
            storage = grown
        }
        return UnsafeMutableRawBufferPointer(rebasing: storage[count...])
    }

    func didRead(_ n: Int) { count += n }

    /// Replaces the contents; for tests and for parsers fed from memory.
    public func load(_ bytes: some Collection<UInt8>) {
        reset()
        for byte in bytes {
            guard let space = spaceForMore() else { return }
            space[0] = byte
            didRead(1)
        }
    }
}
