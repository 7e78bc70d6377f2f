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
        var text = text
        // On the UTF-8 bytes, without copies: every row's ID passes here, and
        // one already in canonical form (the usual case) is handed back as it is.
        var isCanonical = false
        let canonical = text.withUTF8 { bytes -> String? in
            var digits = bytes[...]
            if digits.count == 38, (digits.first, digits.last) == (UInt8(ascii: "{"), UInt8(ascii: "}"))
                || (digits.first, digits.last) == (UInt8(ascii: "("), UInt8(ascii: ")"))
            {
                digits = digits.dropFirst().dropLast()
            }
            let hyphenated = digits.count == 36
            guard hyphenated || digits.count == 32 else { return nil }
            var lowerCase = true
            for (index, byte) in zip(0..., digits) {
                if hyphenated, index == 8 || index == 13 || index == 18 || index == 23 {
                    guard byte == UInt8(ascii: "-") else { return nil }
                    continue
                }
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"): continue
                case UInt8(ascii: "A")...UInt8(ascii: "F"): lowerCase = false
                default: return nil
                }
            }
            if hyphenated, lowerCase, digits.count == bytes.count {
                isCanonical = true
                return nil
            }
            return String(unsafeUninitializedCapacity: 36) { output in
                var written = 0
                for byte in digits where byte != UInt8(ascii: "-") {
                    if written == 8 || written == 13 || written == 18 || written == 23 {
                        output[written] = UInt8(ascii: "-")
                        written += 1
                    }
                    output[written] = byte <= UInt8(ascii: "9") ? byte : byte | 0x20
                    written += 1
                }
                return written
            }
        }
        return isCanonical ? text : canonical
    }

    private static func isForbidden(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || scalar.value == 0x7F || scalar.properties.isWhitespace
            || "/\\?#%".unicodeScalars.contains(scalar)
    }
}
