/// `--decimal-separator`: the character a file writes between the whole
/// and the fractional part of a number.
package enum DecimalSeparator: String, Sendable, Hashable, CaseIterable {
    case point = "."
    case comma = ","

    package init?(name: String) {
        switch name.lowercased() {
        case ".", "point", "dot": self = .point
        case ",", "comma": self = .comma
        default: return nil
        }
    }
}

/// `--date-order`: how a date with the year last (`01/05/2027`) is read.
package enum DateOrder: String, Sendable, Hashable, CaseIterable {
    case mdy = "MDY"
    case dmy = "DMY"
    case ymd = "YMD"

    package init?(name: String) { self.init(rawValue: name.uppercased()) }
}

/// A value in a column that tells how the whole column is written.
package struct ColumnEvidence: Sendable, Hashable {
    package var line: Int
    package var value: String
}

/// How the numbers and dates of one column (one field, in the long layout)
/// are read. Decided once per file from the options and from every value of
/// the column (`ColumnSurvey`), before the first row is planned, so that two
/// rows of one column are never read under two conventions.
package struct ValueConventions: Sendable, Hashable {
    package enum Numbers: Sendable, Hashable {
        /// `--decimal-separator` (or `--locale`) named it: grouped forms in
        /// that convention are read too.
        case separator(DecimalSeparator)
        /// Nothing named it: only forms that read the same under both
        /// conventions, or only under the decimal point without grouping
        /// (`10000`, `10000.50`), are read.
        case plainOnly
        /// Nothing named it and this value of the column is written with a
        /// decimal comma: no number with a separator in it is read.
        case contradicted(ColumnEvidence)
    }

    package enum Dates: Sendable, Hashable {
        case order(DateOrder)
        /// Nothing named it and no value of the column is day-first:
        /// `M/D/YYYY`, Partner Center's export format.
        case monthFirst
        /// Nothing named it and this value can only be day-first: every
        /// slash date of the column is refused, never half and half.
        case contradicted(ColumnEvidence)
    }

    package var numbers: Numbers
    package var dates: Dates

    package init(numbers: Numbers = .plainOnly, dates: Dates = .monthFirst) {
        self.numbers = numbers
        self.dates = dates
    }
}
