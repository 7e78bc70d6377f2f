/// The records of an input, whichever reader reads it: what the column
/// survey and the planner pull from. A CSV file's records come from
/// `CSVReader` untouched (the hot path), a workbook's from `WorkbookReader`.
package enum InputReader {
    case csv(CSVReader)
    case workbook(WorkbookReader)

    package var header: CSVRecord {
        switch self {
        case .csv(let reader): reader.header
        case .workbook(let reader): reader.header
        }
    }

    /// The next record, or nil at the end of the input.
    @inline(__always)
    package func next() throws(CSVFileError) -> CSVReadResult? {
        switch self {
        case .csv(let reader):
            return try reader.next()
        case .workbook(let reader):
            do {
                return try reader.next().map(CSVReadResult.record)
            } catch {
                throw .workbook(error)
            }
        }
    }

    /// `CSVReader.decodeOnly`: other columns' cells may read as empty.
    package func decodeOnly(columns: Set<Int>) {
        switch self {
        case .csv(let reader): reader.decodeOnly(columns: columns)
        case .workbook(let reader): reader.decodeOnly(columns: columns)
        }
    }

    /// How the input is written, for the report that gives rows back.
    package var format: InputFormat {
        switch self {
        case .csv(let reader): reader.format
        case .workbook(let reader): InputFormat(delimiter: UInt8(ascii: ","), workbookSheet: reader.sheet.name)
        }
    }

    package var delimiter: UInt8 { format.delimiter }
}
