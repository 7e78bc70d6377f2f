import ReferralInput
import ReferralModel

/// One pass over every row of a file, before any row is planned, for what
/// decides how a whole column is read: a number only a decimal comma makes
/// sense of, a date that can only be day-first, and how many dates would
/// read differently day-first. It also reads (and so checks the encoding
/// of) every byte: a file that is not what it claims is refused here, before
/// anything is sent.
struct ColumnSurvey {
    /// Per field: the first value that can only be read with a decimal comma.
    private(set) var decimalComma: [JSONPointer: ColumnEvidence] = [:]
    /// Per field: the first slash date that can only be day-first.
    private(set) var dayFirst: [JSONPointer: ColumnEvidence] = [:]
    /// Per field: how many slash dates read differently month-first and day-first.
    private(set) var ambiguousDates: [JSONPointer: Int] = [:]

    /// Reads the rest of `reader` (the header already read) through `columns`.
    static func survey(_ reader: InputReader, columns: ColumnMap) throws(CSVFileError) -> ColumnSurvey {
        var survey = ColumnSurvey()
        let watched: [(column: Int, path: JSONPointer, kind: ValueKind)]
        switch columns.layout {
        case .wide(let changes):
            watched = changes.filter { $0.kind == .decimal || $0.kind == .dateTime }.map { ($0.column, $0.path, $0.kind) }
            reader.decodeOnly(columns: Set(watched.map(\.column)))
        case .long(_, let pathColumn, let valueColumn):
            watched = []
            reader.decodeOnly(columns: [pathColumn, valueColumn])
        }
        while let result = try reader.next() {
            guard case .record(let record) = result else { continue }
            let cells = record.cells
            switch columns.layout {
            case .wide:
                for (column, path, kind) in watched where column < cells.count {
                    survey.observe(cells[column], kind: kind, path: path, line: record.line)
                }
            case .long(_, let pathColumn, let valueColumn):
                guard pathColumn < cells.count, valueColumn < cells.count,
                    let path = try? JSONPointer(parsing: String(cells[pathColumn].trimmingSpaces)),
                    let kind = FieldCatalog.fieldsByPath[path]?.kind, kind == .decimal || kind == .dateTime
                else { continue }
                survey.observe(cells[valueColumn], kind: kind, path: path, line: record.line)
            }
        }
        return survey
    }

    mutating func observe(_ cell: String, kind: ValueKind, path: JSONPointer, line: Int) {
        guard !cell.isBlank else { return }
        let evidence = ColumnEvidence(line: line, value: String(cell.trimmingSpaces))
        if kind == .decimal {
            if decimalComma[path] == nil, NumberText.isDecimalCommaOnly(cell) { decimalComma[path] = evidence }
        } else if let date = NumericDate(evidence.value) {
            if dayFirst[path] == nil, date.isDayFirstOnly { dayFirst[path] = evidence }
            if date.isAmbiguous { ambiguousDates[path, default: 0] += 1 }
        }
    }

    /// How the field at `path` is read, given what the options named.
    func conventions(for path: JSONPointer, options: ReadingOptions) -> ValueConventions {
        let numbers: ValueConventions.Numbers =
            if let separator = options.decimalSeparator { .separator(separator) } else if let evidence = decimalComma[path] {
                .contradicted(evidence)
            } else { .plainOnly }
        let dates: ValueConventions.Dates =
            if let order = options.dateOrder { .order(order) } else if let evidence = dayFirst[path] {
                .contradicted(evidence)
            } else { .monthFirst }
        return ValueConventions(numbers: numbers, dates: dates)
    }

    /// What a person should know before trusting a default: slash dates
    /// read month-first that would read differently day-first.
    func warnings(options: ReadingOptions, columns: ColumnMap) -> [String] {
        guard options.dateOrder == nil else { return [] }
        return ambiguousDates.keys.sorted { $0.description < $1.description }.compactMap { path in
            guard dayFirst[path] == nil, let count = ambiguousDates[path] else { return nil }
            return "\(count) date(s) of \(columns.name(of: path)) are read month-first (M/D/YYYY, as Partner Center exports them) and would read differently day-first; if the file is day-first, pass --date-order DMY"
        }
    }
}
