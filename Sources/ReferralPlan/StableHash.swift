/// FNV-1a over bytes: the same value on every machine, process and run
/// (Swift's `Hasher` is seeded randomly per process, so it cannot name a
/// document's journal entry or pick a shard).
package struct StableHash: Sendable {
    package private(set) var value: UInt64

    package init() { value = 0xcbf2_9ce4_8422_2325 }

    package mutating func combine(_ bytes: some Sequence<UInt8>) {
        for byte in bytes {
            value ^= UInt64(byte)
            value = value &* 0x0000_0100_0000_01B3
        }
    }

    package mutating func combine(_ text: String) {
        combine(text.utf8)
        combine(CollectionOfOne(0xFF))  // a separator: ("ab","c") and ("a","bc") differ
    }

    package static func of(_ text: String) -> UInt64 {
        var hash = StableHash()
        hash.combine(text)
        return hash.value
    }

    package var hex: String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: 16 - text.count) + text
    }
}
