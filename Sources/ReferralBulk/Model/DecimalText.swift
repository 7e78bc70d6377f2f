import Foundation

/// Turns already-validated number text into a `Decimal`, refusing what
/// `Decimal` would silently mangle (out-of-range exponents, more digits than
/// it can hold).
public enum DecimalText {
    /// Decimal holds 38 significant digits; beyond that it rounds silently.
    static let maximumSignificantDigits = 38

    public static func parse(_ text: String) -> Decimal? {
        let significant = text.prefix { $0 != "e" && $0 != "E" }.filter(\.isNumber).drop { $0 == "0" }
        guard significant.count <= maximumSignificantDigits else { return nil }
        guard let number = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")), !number.isNaN, number.isFinite
        else { return nil }
        // Decimal's exponent range is about ±128: anything larger parses to garbage or NaN.
        if !number.isZero, abs(number.exponent) > 100 { return nil }
        return number
    }
}
