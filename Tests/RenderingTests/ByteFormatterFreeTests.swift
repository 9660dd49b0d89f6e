import Rendering
import Testing

/// `ByteFormatter.human` as procps-ng 4.0.2's scale_size (src/free.c):
/// `%lldB` if ≤ 4 characters, else per unit `%.1f` (float) then `%ld`,
/// each kept if ≤ 5 characters (≤ 4 and no `i` with --si); past P the last try.
@Suite struct ByteFormatterFreeTests {
    @Test(arguments: [
        (0, "0B"), (999, "999B"),
        (1023, "1.0Ki"),                    // "1023B" is 5 characters: over the 4 allowed for B
        (1024, "1.0Ki"), (9_000, "8.8Ki"),
        (1_048_575, "1.0Mi"),               // 1024.0Ki and 1023Ki are too wide
        (1_072_693_248, "1.0Gi"),           // 1023 MiB: 1023.0Mi and 1023Mi too wide
        (10 << 30, "10Gi"),                 // 10.0Gi is 6 characters
        (25_276_510_208, "23Gi"),           // this host's MemTotal under free -h
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
