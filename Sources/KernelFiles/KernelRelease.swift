/// The running kernel's release, `/proc/sys/kernel/osrelease` (what
/// `uname -r` prints), as major.minor.patch for "since Linux X.Y" decisions.
///
/// Samples (distribution suffixes after the numbers are ignored):
///
///     2.6.32-754.el6.x86_64      (RHEL 6)
///     5.15.0-91-generic          (Ubuntu 22.04)
///     6.18.44-fc-v657            (a Firecracker guest)
///
/// A missing patch number ("6.1-rc1") counts as 0.
public struct KernelRelease: Sendable, Equatable, Comparable, CustomStringConvertible {
    public let major: Int
    public let minor: Int
    public let patch: Int
    /// The whole line as the kernel printed it.
    public let text: String

    public init(_ major: Int, _ minor: Int, _ patch: Int = 0, text: String? = nil) {
        self.major = major
        self.minor = minor
        self.patch = patch
        self.text = text ?? "\(major).\(minor).\(patch)"
    }

    public static func < (lhs: KernelRelease, rhs: KernelRelease) -> Bool {
        (lhs.major, lhs.minor, lhs.patch) < (rhs.major, rhs.minor, rhs.patch)
    }

    public static func == (lhs: KernelRelease, rhs: KernelRelease) -> Bool {
        (lhs.major, lhs.minor, lhs.patch) == (rhs.major, rhs.minor, rhs.patch)
    }

    /// True when this release is `major.minor` or later.
    public func isAtLeast(_ major: Int, _ minor: Int) -> Bool {
        self >= KernelRelease(major, minor, 0)
    }

    public var description: String { text }

    /// Parses osrelease: one line beginning `MAJOR.MINOR[.PATCH]`.
    public static func parse(_ bytes: UnsafeRawBufferPointer, path: String) throws(ParseError) -> KernelRelease {
        var scanner = ByteScanner(bytes)
        guard let line = scanner.next(), !line.isBlank else {
            throw ParseError(path: path, line: nil, text: nil, expected: "a release such as \"5.15.0-91-generic\"")
        }
        let release = ByteField.trimmed(line.bytes)
        var numbers: [Int] = []
        var current: Int? = nil
        var index = release.startIndex
        // Up to three dot-separated numbers; stop at the first other byte.
        while index < release.endIndex, numbers.count < 3 {
            let byte = release[index]
            let digit = byte &- UInt8(ascii: "0")
            if digit < 10 {
                let value = (current ?? 0) * 10 + Int(digit)
                guard value < 1_000_000 else { throw line.error(path, expected: "a release number below 1000000") }
                current = value
            } else if byte == UInt8(ascii: "."), let value = current {
                numbers.append(value)
                current = nil
            } else {
                break
            }
            index += 1
        }
        if let current, numbers.count < 3 { numbers.append(current) }
        guard numbers.count >= 2 else {
            throw line.error(path, expected: "a release beginning MAJOR.MINOR, such as \"5.15.0-91-generic\"")
        }
        guard scanner.next().map({ $0.isBlank }) ?? true, scanner.next() == nil else {
            throw ParseError(path: path, line: 2, text: nil, expected: "one line only")
        }
        return KernelRelease(numbers[0], numbers[1], numbers.count > 2 ? numbers[2] : 0,
                             text: ByteField.string(release))
    }
}

extension ProcRoot {
    /// Reads `/proc/sys/kernel/osrelease`.
    public func kernelRelease(buffer: ReadBuffer) throws(SourceError) -> KernelRelease {
        try parse("proc/sys/kernel/osrelease", with: buffer, KernelRelease.parse)
    }
}
