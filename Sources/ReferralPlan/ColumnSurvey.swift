import ReferralInput
import ReferralModel

/// One pass over every row of a file, before any row is planned, for what
/// decides how a whole column is read: a number only a decimal comma makes
/// sense of, a date that can only be day-first, and how many dates would
/// read differently day-first. It also reads (and so checks the encoding
/// of) every byte: a file that is not what it claims is refused here, before
/// anything is sent.
struct ColumnSurvey {
    /// What the survey found in one field's values.
    struct Findings {
        /// The first value that can only be read with a decimal comma.
        var decimalComma: ColumnEvidence?
        /// The first slash date that can only be day-first.
        var dayFirst: ColumnEvidence?
        /// How many slash dates read differently month-first and day-first.
        var ambiguousDates = 0

        mutating func observe(_ cell: String, kind: ValueKind, line: Int) {
            guard !cell.isBlank else { return }
            // Evidence is kept once per field: its text is only made then.
            if kind == .decimal {
                if decimalComma == nil, NumberText.isDecimalCommaOnly(cell) {
                    decimalComma = ColumnEvidence(line: line, value: String(cell.trimmingSpaces))
                }
            } else if let date = NumericDate(String(cell.trimmingSpaces)) {
                if dayFirst == nil, date.isDayFirstOnly { dayFirst = ColumnEvidence(line: line, value: date.text) }
                if date.isAmbiguous { ambiguousDates += 1 }
            }
        }
    }

    /// Per field (the long layout's fields, or the wide layout's columns by their path).
    private(set) var findings: [JSONPointer: Findings] = [:]

    /// Reads the rest of `reader` (the header already read) through `columns`.
    static func survey(_ reader: InputReader, columns: ColumnMap) throws(CSVFileError) -> ColumnSurvey {
        var survey = ColumnSurvey()
        switch columns.layout {
        case .wide(let changes):
            let watched = changes.filter { $0.kind == .decimal || $0.kind == .dateTime }
            reader.decodeOnly(columns: Set(watched.map(\.column)))
            let next = records(of: reader)
            // By column, in an array: a dictionary keyed by path hashed the
            // path's tokens for every cell of the file.
            var byColumn = [Findings](repeating: Findings(), count: watched.count)
            while let result = try next() {
                guard case .record(let record) = result else { continue }
                for index in watched.indices where watched[index].column < record.cells.count {
                    byColumn[index].observe(record.cells[watched[index].column], kind: watched[index].kind, line: record.line)
                }
            }
            for (change, found) in zip(watched, byColumn) { survey.findings[change.path] = found }
        case .long(_, let pathColumn, let valueColumn):
            reader.decodeOnly(columns: [pathColumn, valueColumn])
            let next = records(of: reader)
            while let result = try next() {
                guard case .record(let record) = result else { continue }
                let cells = record.cells
                guard pathColumn < cells.count, valueColumn < cells.count,
                    let path = try? JSONPointer(parsing: String(cells[pathColumn].trimmingSpaces)),
                    let kind = FieldCatalog.fieldsByPath[path]?.kind, kind == .decimal || kind == .dateTime
                else { continue }
                survey.findings[path, default: Findings()].observe(cells[valueColumn], kind: kind, line: record.line)
            }
        }
        return survey
    }

    /// The records after the header, one by one. A CSV file's are split on
    /// a thread of their own (`ReadAhead`): the survey reads the whole file
    /// before the first row is planned, with the other core idle otherwise.
    /// A workbook's here: its notes (hidden rows) are read from the reader afterwards.
    private static func records(of reader: InputReader) -> () throws(CSVFileError) -> CSVReadResult? {
        switch reader {
        case .csv:
            let ahead = ReadAhead(reader)
            return { () throws(CSVFileError) in try ahead.next() }
        case .workbook:
            return { () throws(CSVFileError) in try reader.next() }
        }
    }

    /// How the field at `path` is read, given what the options named.
    func conventions(for path: JSONPointer, options: ReadingOptions) -> ValueConventions {
        let numbers: ValueConventions.Numbers =
            if let separator = options.decimalSeparator { .separator(separator) } else if let evidence = findings[path]?.decimalComma {
                .contradicted(evidence)
            } else { .plainOnly }
        let dates: ValueConventions.Dates =
            if let order = options.dateOrder { .order(order) } else if let evidence = findings[path]?.dayFirst {
                .contradicted(evidence)
            } else { .monthFirst }
        return ValueConventions(numbers: numbers, dates: dates)
    }

    /// What a person should know before trusting a default: slash dates
    /// read month-first that would read differently day-first.
    func warnings(options: ReadingOptions, columns: ColumnMap) -> [String] {
        guard options.dateOrder == nil else { return [] }
        return findings.sorted { $0.key.description < $1.key.description }.compactMap { path, found in
            guard found.dayFirst == nil, found.ambiguousDates > 0 else { return nil }
            return "\(found.ambiguousDates) date(s) of \(columns.name(of: path)) are read month-first (M/D/YYYY, as Partner Center exports them) and would read differently day-first; if the file is day-first, pass --date-order DMY"
        }
    }
}
