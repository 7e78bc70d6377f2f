import ReferralInput
import ReferralModel

/// What one CSV record asks: the referral, the changes, an asserted eTag,
/// and what is wrong with it (every problem of the row, not just the first).
struct RowPlan {
    var referralID: String
    var ifMatch: String?
    var operations: [PatchOperation] = []
    var problems: [InputProblem] = []
    var record: CSVRecord

    /// Reads a record through the column map.
    init(record: CSVRecord, columns: borrowing ColumnMap) {
        self.record = record
        self.referralID = ""
        let cells = record.cells
        let line = record.line
        // A leading ' before a formula character is the neutralising mark of
        // a report file (retry.csv) or of Excel: it is not part of the value.
        func cell(_ column: Int) -> String { column < cells.count ? CSVWriter.restored(cells[column]) : "" }
        func problem(_ column: Int?, _ error: ValueError) {
            problems.append(
                InputProblem(
                    line: line, column: column.map { columns.header[$0] }, columnLetter: Self.letter(column, record),
                    value: column.map(cell), reason: error.reason, hint: error.hint))
        }
        if let typed = record.typed { checkCellTypes(typed, columns: columns) }

        if cells.count > columns.header.count, cells[columns.header.count...].contains(where: { !$0.isBlank }) {
            problems.append(
                InputProblem(
                    line: line, reason: "the row has \(cells.count) cells but the header names \(columns.header.count)",
                    hint: "quote cells that contain the delimiter"))
        }
        // (The ID's own check names control characters in the ID.)
        for column in columns.usedColumns
        where column != columns.idColumn && column < cells.count && Self.hasControlCharacter(cells[column]) {
            problem(column, .controlCharacter)
        }

        do {
            referralID = try ReferralID.validate(cell(columns.idColumn))
        } catch {
            problem(columns.idColumn, error)
        }
        if let column = columns.ifMatchColumn, !cell(column).isBlank {
            ifMatch = String(cell(column).trimmingSpaces)
        }

        switch columns.layout {
        case .wide(let changes):
            operations.reserveCapacity(changes.count)
            // By index, reading only the fields used: copying each Change
            // (header and path included) cost more than checking its cell.
            for index in changes.indices {
                let column = changes[index].column
                if let typed = record.typed, column < typed.types.count, typed.types[column].isRefused { continue }
                let text = cell(column)
                // An empty cell means "no change".
                guard !text.isBlank else { continue }
                do {
                    let value = try changes[index].kind.value(
                        of: text, acceptsJSON: changes[index].acceptsJSON, conventions: changes[index].conventions)
                    operations.append(PatchOperation(changes[index].op, changes[index].path, value))
                } catch {
                    problem(column, error)
                }
            }
        case .long(let opColumn, let pathColumn, let valueColumn):
            do throws(CellError) {
                operations.append(
                    try Self.longOperation(
                        op: opColumn, path: pathColumn, value: valueColumn, conventions: columns.longConventions, cell: cell))
            } catch {
                problem(error.column, error.error)
            }
        }
    }

    /// A workbook's column letter (`C`) for a problem in `column`; nil for CSV.
    static func letter(_ column: Int?, _ record: CSVRecord) -> String? {
        guard record.typed != nil, let column else { return nil }
        return TypedCells.columnLetters(column)
    }

    /// A boolean, an error or a formula without a value in a column the row
    /// uses is no value to send: a problem naming the cell (`Corrections!C7`).
    private mutating func checkCellTypes(_ typed: TypedCells, columns: ColumnMap) {
        for column in columns.usedColumns where column < typed.types.count && typed.types[column].isRefused {
            let reference = typed.reference(column: column, row: record.line)
            let (reason, hint): (String, String)
            switch typed.types[column] {
            case .boolean:
                (reason, hint) = ("\(reference) is a TRUE/FALSE cell, which no field takes", "type the value as text")
            case .error:
                (reason, hint) = ("\(reference) holds the formula error \(record.cells[column])", "fix the formula or type the value")
            default:
                (reason, hint) = (
                    "\(reference) is a formula saved without its value (the program that wrote the file computes none)",
                    "open the file in a spreadsheet program (Excel, LibreOffice) and save it, so each formula's value is saved"
                )
            }
            problems.append(
                InputProblem(
                    line: record.line, column: columns.header[column], columnLetter: TypedCells.columnLetters(column),
                    value: record.cells[column], reason: reason, hint: hint))
        }
    }

    /// NUL or another C0 control character other than tab, CR and LF: never
    /// what a person typed into a cell, and never to be sent.
    static func hasControlCharacter(_ cell: String) -> Bool {
        func isControl(_ byte: UInt8) -> Bool { byte < 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D }
        // On the contiguous bytes (every used cell of every row passes here):
        // the UTF8View's iterator cost several times the comparison.
        return cell.utf8.withContiguousStorageIfAvailable { $0.contains(where: isControl) } ?? cell.utf8.contains(where: isControl)
    }

    /// A value error in one cell of a long-layout row.
    private struct CellError: Error {
        var column: Int
        var error: ValueError
    }

    private static func longOperation(
        op opColumn: Int, path pathColumn: Int, value valueColumn: Int, conventions: [JSONPointer: ValueConventions],
        cell: (Int) -> String
    ) throws(CellError) -> PatchOperation
    {
        let opName = String(cell(opColumn).trimmingSpaces).lowercased()
        guard let op = PatchOperation.Kind(rawValue: opName) else {
            throw CellError(column: opColumn, error: .unsupportedOperation(opName))
        }
        let path: JSONPointer
        do {
            path = try JSONPointer(parsing: String(cell(pathColumn).trimmingSpaces))
        } catch {
            throw CellError(column: pathColumn, error: .invalidPointer(error))
        }
        if let first = path.tokens.first, FieldCatalog.readOnlyMembers.contains(first) {
            throw CellError(column: pathColumn, error: .readOnlyField)
        }
        if path.isWholeOrUnnamed {
            throw CellError(column: pathColumn, error: .pathNamesNoField)
        }
        let text = cell(valueColumn)
        guard !text.isEmpty else {
            throw CellError(column: valueColumn, error: .emptyValue)
        }
        let kind: ValueKind =
            path == FieldCatalog.teamMember.path ? .teamMember : FieldCatalog.fieldsByPath[path]?.kind ?? .jsonOrString
        do throws(ValueError) {
            let conventions = conventions[path] ?? ValueConventions()
            return PatchOperation(op, path, try kind.value(of: text, acceptsJSON: true, conventions: conventions))
        } catch {
            throw CellError(column: valueColumn, error: error)
        }
    }
}
