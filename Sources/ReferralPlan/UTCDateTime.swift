import Foundation
import ReferralModel

/// A calendar date-time in UTC, parsed without Foundation's locale-dependent
/// formatters: ISO 8601 (`2026-03-31`, `2026-03-31T17:00:00Z`, with a
/// fraction or a `+02:00` offset) or Partner Center's `M/D/YYYY`.
package struct UTCDateTime: Sendable, Hashable, CustomStringConvertible {
    package var secondsSinceEpoch: Int64

    /// `YYYY-MM-DDTHH:MM:SSZ`, the form the API takes.
    package var description: String {
        var days = secondsSinceEpoch / 86_400
        if secondsSinceEpoch % 86_400 < 0 { days -= 1 }
        let seconds = Int(secondsSinceEpoch - days * 86_400)
        let (year, month, day) = Self.civil(fromDays: days)
        // Written into the string's own storage: one row can hold several dates.
        return String(unsafeUninitializedCapacity: 20) { text in
            func put(_ value: Int, at offset: Int, width: Int, then separator: Unicode.Scalar) {
                var rest = value
                for position in stride(from: offset + width - 1, through: offset, by: -1) {
                    text[position] = UInt8(ascii: "0") + UInt8(rest % 10)
                    rest /= 10
                }
                text[offset + width] = UInt8(ascii: separator)
            }
            put(year, at: 0, width: 4, then: "-")
            put(month, at: 5, width: 2, then: "-")
            put(day, at: 8, width: 2, then: "T")
            put(seconds / 3600, at: 11, width: 2, then: ":")
            put(seconds % 3600 / 60, at: 14, width: 2, then: ":")
            put(seconds % 60, at: 17, width: 2, then: "Z")
            return 20
        }
    }

    package init(secondsSinceEpoch: Int64) { self.secondsSinceEpoch = secondsSinceEpoch }

    /// The whole second `date` falls in (a report's or journal's time stamp).
    package init(date: Date) { self.init(secondsSinceEpoch: Int64(date.timeIntervalSince1970)) }

    /// Parses the text, or explains why it is not a real date. A date with
    /// the year last is read in the order `dates` decided for its column.
    package static func parse(_ text: String, dates: ValueConventions.Dates = .monthFirst) throws(ValueError) -> UTCDateTime {
        if let numeric = NumericDate(text) { return try numeric.resolve(dates) }
        return try parseISO(Array(text.utf8), text: text)
    }

    static let formats = "a date as YYYY-MM-DD, YYYY-MM-DDTHH:MM:SSZ, M/D/YYYY or D.M.YYYY"

    static func make(year: Int, month: Int, day: Int, text: String) throws(ValueError) -> UTCDateTime {
        try make(year: year, month: month, day: day, hour: 0, minute: 0, second: 0, offsetSeconds: 0, text: text)
    }

    private static func parseISO(_ bytes: [UInt8], text: String) throws(ValueError) -> UTCDateTime {
        var position = 0
        func number(_ width: Int) -> Int? {
            guard position + width <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[position..<position + width] {
                guard (48...57).contains(byte) else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            position += width
            return value
        }
        func literal(_ character: Character) -> Bool {
            guard position < bytes.count, bytes[position] == character.asciiValue! else { return false }
            position += 1
            return true
        }
        let invalid = ValueError.notADate
        guard let year = number(4), literal("-"), let month = number(2), literal("-"), let day = number(2) else {
            throw invalid
        }
        var hour = 0, minute = 0, second = 0, offset = 0
        if position < bytes.count {
            // A spreadsheet's date-time cell (`2027-05-01 00:00:00`) has no
            // zone; Partner Center's dates are UTC, so it is read as UTC.
            let spreadsheetStyle = literal(" ")
            guard spreadsheetStyle || literal("T") else { throw invalid }
            guard let h = number(2), literal(":"), let m = number(2) else { throw invalid }
            hour = h
            minute = m
            if literal(":") {
                guard let s = number(2) else { throw invalid }
                second = s
                if literal(".") {
                    let start = position
                    while position < bytes.count, (48...57).contains(bytes[position]) { position += 1 }
                    guard position > start else { throw invalid }
                }
            }
            if literal("Z") || literal("z") || (spreadsheetStyle && position == bytes.count) {
                offset = 0
            } else if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
                let sign = bytes[position] == UInt8(ascii: "-") ? -1 : 1
                position += 1
                guard let offsetHours = number(2), literal(":"), let offsetMinutes = number(2), offsetHours < 24,
                    offsetMinutes < 60
                else { throw invalid }
                offset = sign * (offsetHours * 3600 + offsetMinutes * 60)
            } else {
                throw .timeWithoutZone(text)
            }
            guard position == bytes.count else { throw invalid }
        }
        return try make(
            year: year, month: month, day: day, hour: hour, minute: minute, second: second, offsetSeconds: offset,
            text: text)
    }

    private static func make(
        year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, offsetSeconds: Int, text: String
    ) throws(ValueError) -> UTCDateTime {
        guard (1900...9999).contains(year) else { throw .yearOutOfRange(year) }
        guard (1...12).contains(month) else {
            throw .noSuchMonth(month)
        }
        guard (1...daysIn(month: month, year: year)).contains(day) else {
            throw .noSuchDay(day: day, month: month, year: year)
        }
        guard hour < 24, minute < 60, second < 60 else { throw .noSuchTimeOfDay }
        let days = daysFromCivil(year: year, month: month, day: day)
        return UTCDateTime(secondsSinceEpoch: days * 86_400 + Int64(hour * 3600 + minute * 60 + second - offsetSeconds))
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int64 { CivilDate.days(year: year, month: month, day: day) }

    static func civil(fromDays days: Int64) -> (Int, Int, Int) { CivilDate.civil(fromDays: days) }
}
