/// The shape of the small `/proc/sys` files: one line of whitespace-separated
/// unsigned decimal integers (`dentry-state`, `inode-state`, `file-nr`, and
/// the single-value sysctls such as `vm/min_free_kbytes`).
enum IntegerLine {
    /// Exactly `count` unsigned integers on the first line and nothing else in
    /// the file but blank lines. `names` describe the fields for the error text.
    static func parse(
        _ bytes: UnsafeRawBufferPointer, path: String, count: Int, names: String
    ) throws(ParseError) -> [UInt64] {
        var scanner = ByteScanner(bytes)
        guard let line = scanner.next(), !line.isBlank else {
            throw ParseError(path: path, line: nil, text: nil, expected: "one line: \(names)")
        }
        var values: [UInt64] = []
        values.reserveCapacity(count)
        for field in line.fields {
            guard values.count < count else {
                throw line.error(path, expected: "\(count) fields (\(names)), not more")
            }
            guard let value = ByteField.uint64(field) else {
                throw line.error(path, expected: "unsigned decimal integers (\(names))")
            }
            values.append(value)
        }
        guard values.count == count else {
            throw line.error(path, expected: "\(count) fields (\(names)), found \(values.count)")
        }
        while let extra = scanner.next() {
            guard extra.isBlank else { throw extra.error(path, expected: "nothing after the first line") }
        }
        return values
    }
}
