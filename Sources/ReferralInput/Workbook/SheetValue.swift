import Glibc
import ReferralModel

/// How a typed cell becomes the text the CSV value rules read: numbers in
/// plain decimal notation to Excel's 15 significant digits, dates as
/// `YYYY-MM-DD` (with ` HH:MM:SS` when the cell has a time of day).
enum SheetValue {
    /// `1234.5599999999999` → `1234.56`; `1E+20` → `100000000000000000000`; never an exponent.
    static func numberText(_ value: Double) -> String? {
        guard value.isFinite else { return nil }
        if value == 0 { return "0" }
        // %.14e: one digit, a point, 14 digits, then the exponent: 15 significant digits, rounded as Excel shows them.
        var buffer = [CChar](repeating: 0, count: 40)
        let written = withVaList([value]) { vsnprintf(&buffer, 40, "%.14e", $0) }
        guard written > 0 else { return nil }
        let text = Array(String(cString: buffer).utf8)
        guard let e = text.firstIndex(of: UInt8(ascii: "e")) else { return nil }
        let negative = text[0] == UInt8(ascii: "-")
        let mantissa = text[(negative ? 1 : 0)..<e].filter { $0 != UInt8(ascii: ".") }
        guard let exponent = Int(String(decoding: text[(e + 1)...], as: UTF8.self)) else { return nil }
        var digits = Array(mantissa)
        while digits.count > 1, digits.last == UInt8(ascii: "0") { digits.removeLast() }
        var out: [UInt8] = negative ? [UInt8(ascii: "-")] : []
        let zero = UInt8(ascii: "0")
        if exponent < 0 {
            out += [zero, UInt8(ascii: ".")] + Array(repeating: zero, count: -exponent - 1) + digits
        } else if exponent + 1 >= digits.count {
            out += digits + Array(repeating: zero, count: exponent + 1 - digits.count)
        } else {
            out += digits[..<(exponent + 1)] + [UInt8(ascii: ".")] + digits[(exponent + 1)...]
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A decimal text as stored (`<v>12919.5</v>`, `office:value="1234.5599999999999"`)
    /// to 15 significant digits. Most stored numbers already are plain with at
    /// most 15 digits: those are their own answer (formatting every number
    /// cost 8 % of planning a workbook).
    static func numberText(stored text: String) -> String? {
        if isShortPlainDecimal(text) { return text }
        return Double(text).flatMap(numberText)
    }

    /// `-?D+(.D+)?` with at most 15 digits, no leading zero before another
    /// digit, and no trailing zero after the point.
    private static func isShortPlainDecimal(_ text: String) -> Bool {
        var digits = 0
        var sawPoint = false
        var previous: UInt8 = 0
        var first = true
        var leadingZero = false
        for byte in text.utf8 {
            if first, byte == UInt8(ascii: "-") {
                first = false
                continue
            }
            if byte == UInt8(ascii: ".") {
                guard !sawPoint, digits > 0 else { return false }
                sawPoint = true
            } else if byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                if leadingZero, !sawPoint { return false }
                if digits == 0, byte == UInt8(ascii: "0") { leadingZero = true }
                digits += 1
            } else {
                return false
            }
            first = false
            previous = byte
        }
        if digits == 0 || digits > 15 || previous == UInt8(ascii: ".") { return false }
        return !(sawPoint && previous == UInt8(ascii: "0"))
    }

    /// An Excel date serial: days since 1899-12-30 (with the 1900 leap-year
    /// bug: serial 60 is the 29 February 1900 that never was, and the
    /// serials before it count from 1899-12-31), or since 1904-01-01 in the
    /// 1904 system. The fraction is the time of day, to the nearest second.
    static func dateText(serial: Double, date1904: Bool) -> String? {
        guard serial.isFinite, serial >= 0, serial < 2_958_466 else { return nil }  // 9999-12-31
        var days = Int64(serial.rounded(.down))
        var seconds = Int64(((serial - Double(days)) * 86_400).rounded())
        if seconds >= 86_400 {
            days += 1
            seconds -= 86_400
        }
        let epoch: Int64
        if date1904 {
            epoch = CivilDate.days(year: 1904, month: 1, day: 1)
        } else if days == 60 {
            return seconds == 0 ? "1900-02-29" : nil  // refused as not a real date, as it is not one
        } else if days < 60 {
            epoch = CivilDate.days(year: 1899, month: 12, day: 31)
        } else {
            epoch = CivilDate.days(year: 1899, month: 12, day: 30)
        }
        let (year, month, day) = CivilDate.civil(fromDays: epoch + days)
        var text = pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2)
        if seconds > 0 {
            text += " " + pad(Int(seconds / 3600), 2) + ":" + pad(Int(seconds % 3600 / 60), 2) + ":" + pad(Int(seconds % 60), 2)
        }
        return text
    }

    /// An ISO date or date-time as a workbook stores it (`2027-05-01`,
    /// `2027-05-01T10:30:00`, `2027-05-01T10:30:00.000Z`) in the same form.
    static func dateText(iso text: String) -> String {
        guard text.count > 10 else { return text }
        var rest = Substring(text.dropFirst(11))
        if rest.hasSuffix("Z") { rest = rest.dropLast() }
        if let dot = rest.firstIndex(of: ".") { rest = rest[..<dot] }
        let time = rest == "00:00:00" || rest == "00:00" ? "" : " " + rest
        return String(text.prefix(10)) + time
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    /// Office Open XML's `_xHHHH_` escape of a character XML cannot hold
    /// (`_x000D_` is a carriage return, `_x005F_` an underscore).
    static func unescapingOOXML(_ bytes: [UInt8]) -> [UInt8] {
        guard bytes.contains(UInt8(ascii: "_")) else { return bytes }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "_"), index + 6 < bytes.count, bytes[index + 1] == UInt8(ascii: "x"),
                bytes[index + 6] == UInt8(ascii: "_"),
                let code = UInt32(String(decoding: bytes[(index + 2)..<(index + 6)], as: UTF8.self), radix: 16),
                let scalar = Unicode.Scalar(code)
            {
                out += Array(String(Character(scalar)).utf8)
                index += 7
            } else {
                out.append(bytes[index])
                index += 1
            }
        }
        return out
    }
}
