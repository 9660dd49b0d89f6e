/// `/etc/passwd`, read through the root: user ids to names, for the USER
/// column (a capture from another host names that host's users).
///
/// Format (`man 5 passwd`):
///
///     root:x:0:0:root:/root:/bin/bash
///     nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
///
/// Not a kernel file: comments, NIS `+`/`-` lines and lines an administrator
/// broke are skipped rather than refused, because one bad line must not hide
/// every other user's name. The first name given for a uid wins, as getpwuid(3).
public enum Passwd {
    public static func parse(_ bytes: UnsafeRawBufferPointer, path: String) throws(ParseError) -> [UInt32: String] {
        var names: [UInt32: String] = [:]
        for line in ByteScanner(bytes) {
            guard let (name, rest) = ByteField.split(line.bytes, at: UInt8(ascii: ":")), !name.isEmpty,
                  name.first != UInt8(ascii: "#"), name.first != UInt8(ascii: "+"), name.first != UInt8(ascii: "-"),
                  let (_, afterPassword) = ByteField.split(rest, at: UInt8(ascii: ":")),
                  let (uidField, _) = ByteField.split(afterPassword, at: UInt8(ascii: ":")),
                  let uid = ByteField.uint64(uidField), uid <= UInt32.max else { continue }
            if names[UInt32(uid)] == nil { names[UInt32(uid)] = ByteField.string(name) }
        }
        return names
    }
}

extension ProcRoot {
    /// Reads `etc/passwd` under the root.
    public func passwd(buffer: ReadBuffer) throws(SourceError) -> [UInt32: String] {
        try parse("etc/passwd", with: buffer, Passwd.parse)
    }
}
