import Foundation
import ReferralModel

/// Reads a number cell the way the spreadsheet that wrote it meant it.
///
/// `12.919` is twelve thousand nine hundred nineteen in Germany and twelve
/// point nine one nine in the US; the tool never picks one. A cell is read
/// under each decimal convention, and only a convention the options named
/// (or a form that reads the same under both) turns it into a number;
/// anything else is refused with every reading shown.
enum NumberText {
    /// A cell read under one convention: the plain decimal text it stands for.
    struct Reading: Equatable {
        var plain: String
        /// Whether the cell used a thousands separator.
        var grouped: Bool
    }

    static let hint = "pass --decimal-separator . or , (or --locale, e.g. --locale de-DE) to say how this file writes numbers"

    /// The cell read with `separator` as the decimal mark, or nil if it is
    /// not a number in that convention. Thousands groups must be well
    /// formed (`12.919.000,5`), with one grouping character throughout.
    static func reading(_ text: Substring, as separator: DecimalSeparator) -> Reading? {
        let decimalMark: Character = separator == .point ? "." : ","
        let groupMarks: Set<Character> = separator == .point ? [","] : [".", " ", "\u{00A0}", "\u{202F}"]
        let parts = text.split(separator: decimalMark, maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count <= 2 else { return nil }
        let whole = parts[0]
        var plain = ""
        var grouped = false
        if let groupMark = whole.first(where: { groupMarks.contains($0) }) {
            let groups = whole.split(separator: groupMark, omittingEmptySubsequences: false)
            guard let first = groups.first, (1...3).contains(first.count), first.first != "0",
                groups.dropFirst().allSatisfy({ $0.count == 3 }),
                groups.allSatisfy({ $0.allSatisfy(\.isASCIIDigit) })
            else { return nil }
            plain = groups.joined()
            grouped = true
        } else {
            guard !whole.isEmpty, whole.allSatisfy(\.isASCIIDigit) else { return nil }
            plain = String(whole)
        }
        if parts.count == 2 {
            let fraction = parts[1]
            guard !fraction.isEmpty, fraction.allSatisfy(\.isASCIIDigit) else { return nil }
            plain += "." + fraction
        }
        return Reading(plain: plain, grouped: grouped)
    }

    /// Without a named convention: a number that reads the same either way,
    /// or only with a decimal point and no thousands separator.
    private static func plainOnly(_ point: Reading?, _ comma: Reading?, readings: [String]) throws(ValueError) -> String {
        switch (point, comma) {
        case (let point?, let comma?) where point.plain == comma.plain: return point.plain
        case (let point?, nil) where !point.grouped: return point.plain
        case (nil, nil): throw .notANumber
        case (_?, _?): throw .ambiguousNumber(readings: readings)
        case (_, _): throw .numberNeedsConvention(readings: readings)
        }
    }

    /// Whether the cell can be read only with a decimal comma (`12,5`,
    /// `1.234,50`): evidence of how its whole column is written.
    static func isDecimalCommaOnly(_ cell: String) -> Bool {
        let text = cell.trimmingSpaces
        if plainDecimal(text) != nil { return false }  // a point reading exists
        return reading(text, as: .comma).map { !$0.plain.isEmpty } == true && reading(text, as: .point) == nil
    }

    /// Digits with at most one dot between digits, and whether that dot can
    /// only be a decimal point (it cannot group thousands: not exactly three
    /// digits after it, or more than three, or a leading 0, before it).
    /// Nil for anything else. The everyday cell, read on the hot path
    /// without building either convention's reading.
    static func plainDecimal(_ text: Substring) -> (hasDot: Bool, dotIsDecimal: Bool)? {
        var whole = 0
        var fraction = 0
        var dots = 0
        var first: UInt8 = 0
        for byte in text.utf8 {
            if byte == UInt8(ascii: ".") {
                dots += 1
                guard dots == 1, whole > 0 else { return nil }
            } else if byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                if whole == 0 { first = byte }
                if dots == 0 { whole += 1 } else { fraction += 1 }
            } else {
                return nil
            }
        }
        guard whole > 0, dots == 0 || fraction > 0 else { return nil }
        let couldGroup = dots == 1 && fraction == 3 && whole <= 3 && first != UInt8(ascii: "0")
        return (dots == 1, !couldGroup)
    }

    /// The number the cell stands for under `conventions`, or why it cannot be read.
    static func parse(_ cell: String, conventions: ValueConventions.Numbers) throws(ValueError) -> Decimal {
        let text = cell.trimmingSpaces
        // Digits read the same under every convention; a dot only a decimal
        // point explains reads so where the column may hold decimal points.
        let pointsAllowed: Bool =
            switch conventions {
            case .plainOnly, .separator(.point): true
            case .separator(.comma), .contradicted: false
            }
        if let plain = plainDecimal(text), !plain.hasDot || (plain.dotIsDecimal && pointsAllowed),
            let number = DecimalText.parse(String(text))
        {
            return number
        }
        if text.hasPrefix("-") { throw .negativeAmount }
        if text.unicodeScalars.contains(where: { $0.properties.generalCategory == .currencySymbol })
            || text.split(whereSeparator: { !$0.isLetter }).contains(where: { ISO4217.codes.contains($0.uppercased()) })
        {
            throw .currencyInAmount
        }
        let point = reading(text, as: .point)
        let comma = reading(text, as: .comma)
        let readings = [point.map { "\($0.plain) with a decimal point" }, comma.map { "\($0.plain) with a decimal comma" }]
            .compactMap { $0 }
        let plain: String
        switch conventions {
        case .separator(let separator):
            guard let reading = separator == .point ? point : comma else { throw .notWrittenWith(separator) }
            plain = reading.plain
        case .plainOnly:
            plain = try plainOnly(point, comma, readings: readings)
        case .contradicted(let evidence):
            // A value that is evidence itself says so in plain words; any other
            // separated number of the column cannot be read for sure.
            guard point != nil, point != comma else {
                plain = try plainOnly(point, comma, readings: readings)
                break
            }
            throw .numberConventionContradicted(evidence: evidence, readings: readings)
        }
        guard let number = DecimalText.parse(plain) else {
            throw .tooManyDigits
        }
        return number
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
