/// Checks a referral ID cell. IDs are GUIDs in practice; whatever is
/// accepted here is still percent-encoded into the path by the sender, but
/// characters that could only mean a mistake or an attack on the request
/// path are refused outright.
public enum ReferralID {
    public static let maximumLength = 128

    public static func validate(_ cell: String) throws(ValueError) -> String {
        let id = String(cell.trimmingSpaces)
        let hint = "a referral ID looks like 3fa85f64-5717-4562-b3fc-2c963f66afa6"
        guard !id.isEmpty else { throw ValueError("the referral ID is missing", hint: hint) }
        guard id != ".", id != ".." else { throw ValueError("not a referral ID", hint: hint) }
        guard id.utf8.count <= maximumLength else { throw ValueError("the referral ID is too long", hint: hint) }
        let plainASCII = id.utf8.withContiguousStorageIfAvailable { bytes in
            bytes.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != 0x2F && $0 != 0x5C && $0 != 0x3F && $0 != 0x23 && $0 != 0x25 }
        } ?? false
        if !plainASCII, let bad = id.unicodeScalars.first(where: isForbidden) {
            let shown = bad.value < 0x20 || bad.value == 0x7F ? "a control character" : "\"\(bad)\""
            throw ValueError("the referral ID contains \(shown)", hint: hint)
        }
        return id
    }

    private static func isForbidden(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || scalar.value == 0x7F || scalar.properties.isWhitespace
            || "/\\?#%".unicodeScalars.contains(scalar)
    }
}
