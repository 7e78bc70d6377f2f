/// Reads one sheet of an .xlsx or .ods workbook as records: the same cells
/// (as text) the CSV reader yields, so the planner reads them unchanged,
/// plus each cell's type. A record's `line` is the sheet's row number.
package final class WorkbookReader {
    package enum Kind: String, Sendable {
        case xlsx, ods
    }

    package let kind: Kind
    package let sheet: WorkbookSheet
    /// The header row (its `line` is its row number on the sheet).
    package private(set) var header: CSVRecord
    private let rows: SheetRows
    /// Hidden data rows read so far.
    package private(set) var hiddenRows = 0

    /// Opens the sheet named `sheetName` (or the only one) and reads its header row:
    /// the first row that is not empty, at or below `headerRow` when given.
    package init(handle: InputHandle, sheet sheetName: String?, headerRow: Int?, bounds: ArchiveBounds = .standard)
        throws(WorkbookError)
    {
        let archive = try WorkbookArchive(handle: handle, bounds: bounds)
        let sheets: [WorkbookSheet]
        let open: (WorkbookSheet) throws(WorkbookError) -> SheetRows
        if archive.contains(ODSWorkbook.contentPart) && !archive.contains("[Content_Types].xml") {
            let workbook = try ODSWorkbook(archive: archive)
            kind = .ods
            sheets = workbook.sheets
            open = { sheet throws(WorkbookError) in try workbook.rows(of: sheet) }
        } else if archive.contains("[Content_Types].xml") || archive.contains("xl/workbook.xml") {
            let workbook = try XLSXWorkbook(archive: archive)
            kind = .xlsx
            sheets = workbook.sheets.map(\.sheet)
            open = { sheet throws(WorkbookError) in try workbook.rows(of: workbook.sheets.first { $0.sheet == sheet }!) }
        } else {
            let paths = archive.paths
            throw .notAWorkbook(holds: paths.isEmpty ? "it is empty" : "it holds " + paths.prefix(3).joined(separator: ", ") + (paths.count > 3 ? ", …" : ""))
        }
        if sheets.isEmpty { throw .noSheets }
        let chosen: WorkbookSheet
        if let sheetName {
            guard let named = sheets.first(where: { $0.name == sheetName }) else { throw .noSuchSheet(name: sheetName, sheets: sheets) }
            chosen = named
        } else {
            guard sheets.count == 1 else { throw .severalSheets(sheets) }
            chosen = sheets[0]
        }
        self.sheet = chosen
        self.rows = try open(chosen)
        self.header = CSVRecord(line: 0, endLine: 0, cells: [])
        while let row = try rows.next() {
            if let headerRow, row.number < headerRow { continue }
            guard !row.isEmpty else { continue }
            header = record(row)
            return
        }
        if let headerRow { throw .noHeaderAtRow(headerRow) }
        throw .emptySheet(chosen.name)
    }

    /// The next row that is not empty, or nil at the end of the sheet.
    package func next() throws(WorkbookError) -> CSVRecord? {
        while let row = try rows.next() {
            guard !row.isEmpty else { continue }
            if row.isHidden { hiddenRows += 1 }
            return record(row)
        }
        return nil
    }

    /// `CSVReader.decodeOnly`, for the survey's pass over a few columns.
    package func decodeOnly(columns: Set<Int>) { rows.decodeOnly(columns: columns) }

    /// Hidden columns among the header's (0-based).
    package var hiddenHeaderColumns: [Int] {
        rows.hiddenColumns.filter { $0 < header.cells.count && !header.cells[$0].isEmpty }.sorted()
    }

    private func record(_ row: SheetRow) -> CSVRecord {
        CSVRecord(line: row.number, endLine: row.number, cells: row.texts, typed: TypedCells(sheet: sheet.name, types: row.types))
    }
}
