import ReferralModel

/// A value that failed its check, before the planner adds line and column
/// (`InputProblem`). Each case names what is wrong and keeps what explains
/// it; `reason` and `hint` are the sentences a person reads.
package enum ValueError: Error, Sendable, Equatable {
    // Dates
    case notADate
    /// A date-time with no zone; the text as written, to show it with a `Z`.
    case timeWithoutZone(String)
    case yearOutOfRange(Int)
    case noSuchMonth(Int)
    case noSuchDay(day: Int, month: Int, year: Int)
    case noSuchTimeOfDay
    /// A year written with two digits (`1/5/27`).
    case twoDigitYear(Int)
    /// A year-last date where `--date-order YMD` was given.
    case yearLastButOrderYMD
    /// A slash date that only reads day-first where dates are month-first;
    /// `readings` spell each real date it can be ("1 May 2027 read day-first").
    case onlyDayFirst(readings: [String])
    /// A year-last date in a column that `evidence` shows is not month-first.
    case dateOrderContradicted(evidence: ColumnEvidence, readings: [String])

    // Numbers; `readings` spell each convention's number ("12919 with a decimal point").
    case notANumber
    case ambiguousNumber(readings: [String])
    /// Reads under one convention only, and none was named.
    case numberNeedsConvention(readings: [String])
    case negativeAmount
    case currencyInAmount
    /// Not a number under the decimal separator the options named.
    case notWrittenWith(DecimalSeparator)
    /// A separated number in a column that `evidence` shows uses a decimal comma.
    case numberConventionContradicted(evidence: ColumnEvidence, readings: [String])
    case tooManyDigits

    // Codes and names
    case unknownStatus
    case unknownSubstatus
    /// Not three letters.
    case notACurrency
    /// Three letters, but no ISO 4217 code.
    case unknownCurrency(String)

    // Team members ("First, Last, Phone, Email", or a JSON object)
    /// The cell has this many comma-separated parts, not four.
    case teamMemberParts(Int)
    case teamMemberWithoutName
    case notAnEmail(String)
    case teamMemberWithoutEmail

    // Referral IDs
    case missingReferralID
    case notAReferralID
    case referralIDTooLong
    /// A character that could only be a mistake or an attack on the request path.
    case referralIDContains(Unicode.Scalar)

    // Cells and long-layout rows
    case controlCharacter
    /// The op column names an operation other than add and replace.
    case unsupportedOperation(String)
    case invalidPointer(JSONPointer.ParseError)
    case readOnlyField
    case pathNamesNoField
    case emptyValue

    package var reason: String {
        switch self {
        case .notADate: "not a date"
        case .timeWithoutZone: "a time needs a time zone"
        case .yearOutOfRange(let year): "year \(year) is out of range"
        case .noSuchMonth(let month): "there is no month \(month)"
        case .noSuchDay(let day, let month, let year): "there is no day \(day) in month \(month) of \(year)"
        case .noSuchTimeOfDay: "not a valid time of day"
        case .twoDigitYear(let year): "the year \"\(year)\" has two digits, which could be any century"
        case .yearLastButOrderYMD: "this date has the year last, but --date-order says YMD"
        case .onlyDayFirst(let readings):
            "this date can only be read day-first (\(Self.joined(readings))), and slash dates are month-first unless an option says otherwise"
        case .dateOrderContradicted(let evidence, let readings):
            "line \(evidence.line) of this column holds \"\(evidence.value)\", which can only be day-first, so no date of the column is read month-first by default: \(Self.joined(readings))"
        case .notANumber: "not a plain decimal number"
        case .ambiguousNumber(let readings): "ambiguous number: \(Self.joined(readings))"
        case .numberNeedsConvention(let readings): "this number needs its convention named: \(Self.joined(readings))"
        case .negativeAmount: "a deal value cannot be negative"
        case .currencyInAmount: "the amount holds a currency symbol or code"
        case .notWrittenWith(let separator): "not a number written with a decimal \(separator == .point ? "point" : "comma")"
        case .numberConventionContradicted(let evidence, let readings):
            "line \(evidence.line) (\"\(evidence.value)\") shows this column is written with a decimal comma, so this value cannot be read for sure: \(Self.joined(readings))"
        case .tooManyDigits: "number has too many digits"
        case .unknownStatus: "unknown status"
        case .unknownSubstatus: "unknown substatus"
        case .notACurrency: "a currency is three letters"
        case .unknownCurrency: "not an ISO 4217 currency code"
        case .teamMemberParts: "a team member has four parts"
        case .teamMemberWithoutName: "a team member needs a first and last name"
        case .notAnEmail(let text): "\"\(text)\" is not an e-mail address"
        case .teamMemberWithoutEmail: "a team member needs an e-mail"
        case .missingReferralID: "the referral ID is missing"
        case .notAReferralID: "not a referral ID"
        case .referralIDTooLong: "the referral ID is too long"
        case .referralIDContains(let scalar):
            "the referral ID contains \(scalar.value < 0x20 || scalar.value == 0x7F ? "a control character" : "\"\(scalar)\"")"
        case .controlCharacter: "the cell holds a control character"
        case .unsupportedOperation: "operation not supported"
        case .invalidPointer(let error): error.description
        case .readOnlyField: "this field is read-only"
        case .pathNamesNoField: "the path names the whole referral or a member with no name"
        case .emptyValue: "the value is empty"
        }
    }

    /// What would be right, when we know it.
    package var hint: String? {
        switch self {
        case .notADate: "write \(UTCDateTime.formats)"
        case .timeWithoutZone(let text): "end it with Z for UTC, e.g. \(text)Z"
        case .yearOutOfRange: "use 1900 to 9999"
        case .noSuchMonth, .noSuchDay, .noSuchTimeOfDay, .readOnlyField: nil
        case .twoDigitYear(let year): "write the year in full, e.g. 20\(year < 10 ? "0\(year)" : String(year % 100))"
        case .yearLastButOrderYMD: "pass --date-order MDY or DMY"
        case .onlyDayFirst: "pass --date-order DMY, or --locale, e.g. --locale en-GB"
        case .dateOrderContradicted: "pass --date-order DMY (or MDY), or --locale, e.g. --locale en-GB"
        case .notANumber: "write digits with at most one decimal mark, e.g. 10000.50"
        case .ambiguousNumber, .numberNeedsConvention, .numberConventionContradicted: NumberText.hint
        case .negativeAmount: "write a positive amount"
        case .currencyInAmount: "write the amount alone (e.g. 12919.50) and the currency in the Currency column"
        case .notWrittenWith(let separator): "write e.g. \(separator == .point ? "12919.50 or 12,919.50" : "12919,50 or 12.919,50")"
        case .tooManyDigits: "at most 38 significant digits"
        case .unknownStatus: "use one of \(ReferralStatus.allCases.map(\.rawValue).joined(separator: ", "))"
        case .unknownSubstatus: "use one of \(ReferralSubstatus.allCases.map(\.rawValue).joined(separator: ", "))"
        case .notACurrency: "use an ISO 4217 code such as USD or EUR"
        case .unknownCurrency: "use a code such as USD, EUR or GBP"
        case .teamMemberParts, .teamMemberWithoutName, .notAnEmail:
            "write \"First, Last, Phone, Email\" (phone may be empty)"
        case .teamMemberWithoutEmail: "add \"email\": \"name@example.com\""
        case .missingReferralID, .notAReferralID, .referralIDTooLong, .referralIDContains:
            "a referral ID looks like 3fa85f64-5717-4562-b3fc-2c963f66afa6"
        case .controlCharacter: "remove it; only tab and line breaks may stand in a cell"
        case .unsupportedOperation: "the API accepts add and replace"
        case .invalidPointer: "write a JSON Pointer such as /details/dealValue"
        case .pathNamesNoField: "write a field's path such as /details/notes"
        case .emptyValue: "write \"\" (JSON) to set an empty text"
        }
    }

    /// "A, or B": the readings of a value that can be read more than one way.
    private static func joined(_ readings: [String]) -> String { readings.joined(separator: ", or ") }
}
