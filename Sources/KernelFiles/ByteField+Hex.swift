extension ByteField {
    /// A hexadecimal unsigned integer without a `0x` prefix, as the kernel
    /// prints addresses and offsets in `/proc/PID/maps`; nil for an empty
    /// field, any non-hex byte or a value above `UInt64.max`.
    public static func hexUInt64(_ field: Slice<UnsafeRawBufferPointer>) -> UInt64? {
        guard !field.isEmpty, field.count <= 16 else { return nil }
        var value: UInt64 = 0
        for byte in field {
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt64(digit)
        }
        return value
    }
}
