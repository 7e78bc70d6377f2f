import ReferralModel

/// Checks a referral ID cell. IDs are GUIDs in practice, and spreadsheets
/// show GUIDs in several shapes (upper case, `{braces}`, no hyphens): any of
/// those is normalised to the canonical lower-case hyphenated form the API
/// takes. Anything else that is accepted is still percent-encoded into the
/// path by the sender, but characters that could only mean a mistake or an
/// attack on the request path are refused outright.
package enum ReferralID {
    package static let maximumLength = 128

    package static func validate(_ cell: String) throws(ValueError) -> String {
        let id = String(cell.trimmingSpaces)
        guard !id.isEmpty else { throw .missingReferralID }
        if let guid = canonicalGUID(id) { return guid }
        guard id != ".", id != ".." else { throw .notAReferralID }
        guard id.utf8.count <= maximumLength else { throw .referralIDTooLong }
        let plainASCII = id.utf8.withContiguousStorageIfAvailable { bytes in
            bytes.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != 0x2F && $0 != 0x5C && $0 != 0x3F && $0 != 0x23 && $0 != 0x25 }
        } ?? false
        if !plainASCII, let bad = id.unicodeScalars.first(where: isForbidden) {
            throw .referralIDContains(bad)
        }
        return id
    }

    /// `3fa85f64-5717-4562-b3fc-2c963f66afa6` for that GUID in any common
    /// shape: either case, with or without hyphens, in `{}` or `()`. Nil
    /// for anything that is not a GUID.
    package static func canonicalGUID(_ text: String) -> String? {
        var bytes = Array(text.utf8)
        if bytes.count == 38, (bytes.first, bytes.last) == (UInt8(ascii: "{"), UInt8(ascii: "}"))
            || (bytes.first, bytes.last) == (UInt8(ascii: "("), UInt8(ascii: ")"))
        {
            bytes = Array(bytes.dropFirst().dropLast())
        }
        let hyphenated = bytes.count == 36
        if hyphenated {
            guard [8, 13, 18, 23].allSatisfy({ bytes[$0] == UInt8(ascii: "-") }) else { return nil }
            bytes.removeAll { $0 == UInt8(ascii: "-") }
        }
        guard bytes.count == 32 else { return nil }
        var canonical: [UInt8] = []
        canonical.reserveCapacity(36)
        for (index, byte) in bytes.enumerated() {
            let lower: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"): lower = byte
            case UInt8(ascii: "A")...UInt8(ascii: "F"): lower = byte | 0x20
            default: return nil
            }
            if [8, 12, 16, 20].contains(index) { canonical.append(UInt8(ascii: "-")) }
            canonical.append(lower)
        }
        return String(decoding: canonical, as: UTF8.self)
    }

    private static func isForbidden(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || scalar.value == 0x7F || scalar.properties.isWhitespace
            || "/\\?#%".unicodeScalars.contains(scalar)
    }
}
