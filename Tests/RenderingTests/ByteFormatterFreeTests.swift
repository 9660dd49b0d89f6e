import Rendering
import Testing

/// `ByteFormatter.human` as procps-ng 4.0.2's scale_size (src/free.c):
/// `%lldB` if ≤ 4 characters, else per unit `%.1f` (float) then `%ld`,
/// each kept if ≤ 5 characters (≤ 4 and no `i` with --si); past P the last try.
@Suite struct ByteFormatterFreeTests {
    @Test(arguments: [
        (0, "0B"), (1023, "1023B"), (1024, "1.0Ki"), (9_000, "8.8Ki"),
        (1_048_575, "1024Ki"),              // 1024.0Ki is 7 characters, the whole number fits
        (1_072_693_248, "1023Mi"), (10 << 30, "10Gi"), (25_276_510_208, "24Gi"),
        (1 << 60, "1024Pi"), (UInt64(2) << 60, "2048Pi"),   // beyond P: procps gives its last try
    ] as [(UInt64, String)])
    func binary(_ bytes: UInt64, _ expected: String) {
        #expect(ByteFormatter.human(bytes) == expected)
    }

    @Test(arguments: [
        (999, "999B"), (1000, "1.0K"), (9_068_544, "9.1M"), (25_276_510_208, "25G"), (462_614_528, "462M"),
    ] as [(UInt64, String)])
    func si(_ bytes: UInt64, _ expected: String) {
        #expect(ByteFormatter.human(bytes, si: true) == expected)
    }

    @Test func negativeCountsTheSign() {
        // -1.5Gi is six characters; procps falls to the whole number.
        #expect(ByteFormatter.human(signed: -1_610_612_736) == "-1Gi")
    }
}
