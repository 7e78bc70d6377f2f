import Foundation

/// Turns already-validated number text into a `Decimal`, refusing what
/// `Decimal` would silently mangle (out-of-range exponents, more digits than
/// it can hold).
package enum DecimalText {
    /// Decimal holds 38 significant digits; beyond that it rounds silently.
    static let maximumSignificantDigits = 38
    private static let posix = Locale(identifier: "en_US_POSIX")

    package static func parse(_ text: String) -> Decimal? {
        if let plain = parsePlain(text) { return plain }
        let significant = text.prefix { $0 != "e" && $0 != "E" }.filter(\.isNumber).drop { $0 == "0" }
        guard significant.count <= maximumSignificantDigits else { return nil }
        guard let number = Decimal(string: text, locale: posix), !number.isNaN, number.isFinite else { return nil }
        // Decimal's exponent range is about ±128: anything larger parses to garbage or NaN.
        if !number.isZero, abs(number.exponent) > 100 { return nil }
        return number
    }

    /// The everyday case (`10000`, `-12.50`, up to 18 digits) without going
    /// through Foundation's string scanner, which dominates planning time.
    private static func parsePlain(_ text: String) -> Decimal? {
        // Text without contiguous UTF-8 (none on Linux) takes Foundation's path.
        text.utf8.withContiguousStorageIfAvailable(parsePlain) ?? nil
    }

    private static func parsePlain(_ bytes: UnsafeBufferPointer<UInt8>) -> Decimal? {
        var significand: UInt64 = 0
        var digits = 0
        var fractionDigits = 0
        var negative = false
        var seenDot = false
        for (offset, byte) in bytes.enumerated() {
            switch byte {
            case UInt8(ascii: "-") where offset == 0: negative = true
            case UInt8(ascii: "."):
                guard !seenDot, digits > 0 else { return nil }
                seenDot = true
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                digits += 1
                guard digits <= 18 else { return nil }
                significand = significand * 10 + UInt64(byte - UInt8(ascii: "0"))
                if seenDot { fractionDigits += 1 }
            default: return nil
            }
        }
        guard digits > 0, !seenDot || fractionDigits > 0 else { return nil }
        let magnitude = Decimal(sign: .plus, exponent: -fractionDigits, significand: Decimal(significand))
        return negative ? -magnitude : magnitude
    }
}
