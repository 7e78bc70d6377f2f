/// A date written as three numbers (`01/05/2027`, `1.5.2027`,
/// `2027/05/01`), which may also carry a time of day (`01.05.2027 00:00`,
/// read as UTC like every Partner Center date). Which number is the day
/// is decided by the column (`ValueConventions.Dates`), never by the value.
struct NumericDate {
    // SIMD3 rather than arrays: fixed size, on the stack (two arrays per date
    // cell were two heap allocations, twice per cell: survey and plan).
    var fields: SIMD3<Int>
    var widths: SIMD3<Int>
    var separator: Character
    var secondsIntoDay: Int
    let text: String

    /// Nil when the text is not three numbers with one separator (ISO
    /// `YYYY-MM-DD` is left to the ISO parser).
    init?(_ text: String) {
        // Byte by byte: every date cell of a file passes here twice (survey and plan).
        var fields = SIMD3<Int>()
        var widths = SIMD3<Int>()
        var field = 0
        var separator: UInt8 = 0
        var timeStart: String.UTF8View.Index?
        let bytes = text.utf8
        for index in bytes.indices {
            let byte = bytes[index]
            if byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                guard widths[field] < 4 else { return nil }
                fields[field] = fields[field] * 10 + Int(byte - UInt8(ascii: "0"))
                widths[field] += 1
            } else if byte == UInt8(ascii: "/") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-") {
                guard separator == 0 || separator == byte, field < 2, widths[field] > 0 else { return nil }
                separator = byte
                field += 1
            } else if byte == UInt8(ascii: " "), field == 2 {
                timeStart = bytes.index(after: index)
                break
            } else {
                return nil
            }
        }
        guard field == 2, widths[2] > 0 else { return nil }
        // ISO 8601 (`2027-05-01`, with a `T` time) is the ISO parser's.
        if separator == UInt8(ascii: "-"), widths[0] == 4 { return nil }
        var secondsIntoDay = 0
        if let timeStart {
            let time = text[timeStart...].split(separator: ":", omittingEmptySubsequences: false)
            guard (2...3).contains(time.count), time.allSatisfy({ (1...2).contains($0.count) && $0.allSatisfy(\.isNumber) }),
                let hour = Int(time[0]), let minute = Int(time[1]), hour < 24, minute < 60
            else { return nil }
            let second = time.count == 3 ? Int(time[2]) ?? 60 : 0
            guard second < 60 else { return nil }
            secondsIntoDay = hour * 3600 + minute * 60 + second
        }
        self.fields = fields
        self.widths = widths
        self.separator = Character(Unicode.Scalar(separator))
        self.secondsIntoDay = secondsIntoDay
        self.text = text
    }

    /// Year last with `/` or `-`: the order is the column's to decide.
    /// (Dots are day-first wherever they are used: `1.5.2027` is 1 May.)
    var needsOrder: Bool { widths[2] == 4 && separator != "." }

    /// Only a day-first reading is a real date (`31/05/2027`): evidence
    /// that its column is not month-first.
    var isDayFirstOnly: Bool { needsOrder && fields[0] > 12 && fields[1] <= 12 && fields[0] <= 31 }

    /// Both readings are real, different dates (`01/05/2027`).
    var isAmbiguous: Bool { needsOrder && fields[0] <= 12 && fields[1] <= 12 && fields[0] != fields[1] }

    func resolve(_ dates: ValueConventions.Dates) throws(ValueError) -> UTCDateTime {
        if widths[0] == 4 {
            return try make(year: fields[0], month: fields[1], day: fields[2])
        }
        guard widths[2] == 4 else {
            if widths[2] <= 2, widths[0] <= 2, widths[1] <= 2 {
                throw .twoDigitYear(fields[2])
            }
            throw .notADate
        }
        guard widths[0] <= 2, widths[1] <= 2 else { throw .notADate }
        if separator == "." { return try make(year: fields[2], month: fields[1], day: fields[0]) }
        switch dates {
        case .order(.mdy), .monthFirst:
            return try make(year: fields[2], month: fields[0], day: fields[1])
        case .order(.dmy):
            return try make(year: fields[2], month: fields[1], day: fields[0])
        case .order(.ymd):
            throw .yearLastButOrderYMD
        case .contradicted where isDayFirstOnly:
            throw .onlyDayFirst(readings: readings)
        case .contradicted(let evidence):
            throw .dateOrderContradicted(evidence: evidence, readings: readings)
        }
    }

    /// ["5 January 2027 read month-first", "1 May 2027 read day-first"]: the real dates it can be.
    private var readings: [String] {
        let monthFirst = Self.spelled(year: fields[2], month: fields[0], day: fields[1])
        let dayFirst = Self.spelled(year: fields[2], month: fields[1], day: fields[0])
        return [monthFirst.map { "\($0) read month-first" }, dayFirst.map { "\($0) read day-first" }]
            .compactMap { $0 }
    }

    private static let monthNames = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
        "December",
    ]

    private static func spelled(year: Int, month: Int, day: Int) -> String? {
        guard (1...12).contains(month), (1...UTCDateTime.daysIn(month: month, year: year)).contains(day) else { return nil }
        return "\(day) \(monthNames[month - 1]) \(year)"
    }

    private func make(year: Int, month: Int, day: Int) throws(ValueError) -> UTCDateTime {
        var date = try UTCDateTime.make(year: year, month: month, day: day, text: text)
        date.secondsSinceEpoch += Int64(secondsIntoDay)
        return date
    }
}
