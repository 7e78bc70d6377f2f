import ReferralInput

/// Opens an input for planning: the file (or `-`), its encoding, its header
/// and column map, and every column's conventions, all decided by reading
/// the whole file once before the first row is planned.
package enum InputFile {
    /// Why an input cannot be used at all.
    package enum OpenError: Error, Sendable, Equatable, CustomStringConvertible {
        case file(CSVFileError)
        case header(HeaderError)

        package var description: String {
            switch self {
            case .file(let error): error.description
            case .header(let error): error.description
            }
        }
    }

    /// How many lines below a header without an ID column are searched for the real header.
    static let headerSearchRecords = 20

    package static func planner(path: String, options: ReadingOptions = ReadingOptions()) throws(OpenError) -> Planner {
        let handle: InputHandle
        do {
            handle = try InputHandle(path: path)
        } catch {
            throw .file(error)
        }
        return try planner(handle: handle, options: options)
    }

    /// A planner over `handle` from its first byte (a handle can be planned more than once).
    package static func planner(handle: InputHandle, options: ReadingOptions) throws(OpenError) -> Planner {
        let survey: InputReader
        do {
            survey = try reader(handle, options)
        } catch {
            throw .file(error)
        }
        let given = options
        let options = WorkbookNotes.effective(options, for: survey)
        var columns: ColumnMap
        do {
            columns = try ColumnMap(header: survey.header.cells, ignoreUnknownColumns: options.ignoreUnknownColumns)
        } catch .noIDColumn(let header, _) {
            let likely: Int?
            do {
                likely = try likelyHeaderLine(survey)
            } catch {
                throw .file(error)
            }
            throw .header(.noIDColumn(header: header, likelyHeaderLine: likely))
        } catch {
            throw .header(error)
        }
        do {
            columns.settle(try ColumnSurvey.survey(survey, columns: columns), options: options)
            columns.warnings += WorkbookNotes.warnings(afterReading: survey, named: handle.name, options: given)
            return Planner(input: try reader(handle, options), columns: columns)
        } catch {
            throw .file(error)
        }
    }

    /// Another pass over the file `planner` plans, with the column map it
    /// already settled: no second survey of the whole file.
    package static func planner(again planner: Planner, handle: InputHandle, options: ReadingOptions) throws(OpenError) -> Planner {
        do {
            return Planner(input: try reader(handle, options), columns: planner.columns)
        } catch {
            throw .file(error)
        }
    }

    /// A reader for what the input is by its content: a workbook or CSV text.
    private static func reader(_ handle: InputHandle, _ options: ReadingOptions) throws(CSVFileError) -> InputReader {
        switch try InputKind.of(handle) {
        case .zipArchive:
            do {
                return .workbook(try WorkbookReader(handle: handle, sheet: options.sheet, headerRow: options.headerLine))
            } catch {
                throw .workbook(error)
            }
        case .refused(let error):
            throw .workbook(error)
        case .text:
            let source = try DecodedSource(ByteSource(handle: handle), requested: options.encoding)
            return .csv(try CSVReader(source: source, delimiter: options.delimiter, header: .init(line: options.headerLine)))
        }
    }

    /// A line below the header read that names an ID column: the header
    /// under a title row.
    private static func likelyHeaderLine(_ reader: InputReader) throws(CSVFileError) -> Int? {
        for _ in 0..<headerSearchRecords {
            guard let result = try reader.next() else { return nil }
            if case .record(let record) = result, ColumnMap.looksLikeHeader(record.cells) { return record.line }
        }
        return nil
    }
}
