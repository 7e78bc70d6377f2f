/// A tiny, explicit pseudo-random generator: the same seed gives the same
/// sequence on every machine and every run (unlike `Hasher`, which Swift
/// seeds randomly per process).
package struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    package init(seed: UInt64) { state = seed }

    /// A generator seeded from a seed and a text key (FNV-1a of its bytes).
    package init(seed: UInt64, key: String, counter: Int) {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in key.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        self.init(seed: seed ^ hash ^ (UInt64(truncatingIfNeeded: counter) &* 0x9E37_79B9_7F4A_7C15))
    }

    /// The first value of the generator for (seed, key, counter).
    package static func value(seed: UInt64, key: String, counter: Int) -> UInt64 {
        var generator = SplitMix64(seed: seed, key: key, counter: counter)
        return generator.next()
    }

    package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform double in [0, 1).
    package mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}
