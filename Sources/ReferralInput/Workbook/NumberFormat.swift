/// Whether a spreadsheet number format shows a date (or a date-time), so
/// that a number cell formatted with it is a date.
enum NumberFormat {
    /// ECMA-376 §18.8.30's built-in date and time formats (14–22, 45–47),
    /// and the East Asian ones Excel adds (27–36, 50–58).
    static func isBuiltInDate(_ id: Int) -> Bool {
        (14...22).contains(id) || (27...36).contains(id) || (45...47).contains(id) || (50...58).contains(id)
    }

    /// A custom format code with a day, month, year, hour or second outside
    /// quoted text, escapes and `[…]` sections (`[Red]`, `[$€-407]`); the
    /// `[h]` of an elapsed time is a duration, not a date.
    static func isDate(code: String) -> Bool {
        if code.lowercased().contains("general") { return false }
        var inQuote = false
        var inBracket = false
        var skipNext = false
        // Only the first section decides (the one for positive numbers).
        for scalar in code.unicodeScalars {
            if skipNext {
                skipNext = false
                continue
            }
            if inQuote {
                if scalar == "\"" { inQuote = false }
                continue
            }
            if inBracket {
                if scalar == "]" { inBracket = false }
                continue
            }
            switch scalar {
            case "\"": inQuote = true
            case "[": inBracket = true
            case "\\", "_", "*": skipNext = true
            case ";": return false
            case "d", "D", "m", "M", "y", "Y", "e", "E": return true
            case "h", "H", "s", "S":
                // A time of day alone: read as a date-time still (its serial is a fraction of a day).
                return true
            case "0", "#", "?", "@": return false
            default: continue
            }
        }
        return false
    }
}
