/// Why a workbook cannot be read at all: one sentence saying what the file
/// is or what is wrong with it (the CLI exits 2 with it).
package enum WorkbookError: Error, Sendable, Equatable, CustomStringConvertible {
    /// An Excel 97-2003 binary workbook (BIFF in an OLE2 compound file).
    case legacyExcel
    /// An OLE2 compound file holding an `EncryptedPackage`: a password-protected workbook.
    case encrypted
    /// An OLE2 compound file that is neither (a Word document, say).
    case compoundFile
    /// HTML (a web page or an "Excel" export that is really a table in HTML).
    case html
    /// A ZIP archive that cannot be read as one.
    case damagedArchive(reason: String)
    /// A ZIP archive with no workbook in it (a .docx, a folder zipped).
    case notAWorkbook(holds: String)
    /// Over one of `ArchiveBounds`, or an entry that lies about its size or escapes the archive.
    case hostileArchive(reason: String)
    case missingPart(String)
    case unreadablePart(part: String, reason: String)
    case malformedPart(part: String, reason: String)
    /// `--sheet NAME` names no sheet of the workbook.
    case noSuchSheet(name: String, sheets: [WorkbookSheet])
    /// Several sheets and no `--sheet`.
    case severalSheets([WorkbookSheet])
    case noSheets
    /// `--header-line N` past the sheet's last row.
    case noHeaderAtRow(Int)
    case emptySheet(String)

    package var description: String {
        switch self {
        case .legacyExcel:
            "this is an Excel 97-2003 workbook (.xls), which is not read; open it and save it as \"Excel Workbook (.xlsx)\", then run again."
        case .encrypted:
            "this workbook is encrypted with a password; open it, remove the password (File > Info > Protect Workbook in Excel), save it, then run again."
        case .compoundFile:
            "this is an OLE2 compound file (an old Office document), not a workbook or a CSV file; save the sheet as .xlsx or CSV UTF-8, then run again."
        case .html:
            "this is an HTML page (an \"Excel\" export that is really a web table), not a workbook or a CSV file; open it in a spreadsheet program and save it as .xlsx, then run again."
        case .damagedArchive(let reason):
            "this looks like a workbook (a ZIP archive), but the archive is damaged (\(reason)); open and save it again in a spreadsheet program, or export it anew."
        case .notAWorkbook(let holds):
            "this is a ZIP archive but holds no workbook (\(holds)); give an .xlsx or .ods file, or a CSV file."
        case .hostileArchive(let reason):
            "the workbook is refused before reading it: \(reason)."
        case .missingPart(let part):
            "the workbook has no \(part), which every .xlsx file has; open and save it again in a spreadsheet program."
        case .unreadablePart(let part, let reason):
            "cannot read \(part) of the workbook: \(reason)."
        case .malformedPart(let part, let reason):
            "\(part) of the workbook is not well-formed XML: \(reason); open and save it again in a spreadsheet program."
        case .noSuchSheet(let name, let sheets):
            "the workbook has no sheet named \"\(name)\"; its sheets are \(WorkbookSheet.list(sheets))."
        case .severalSheets(let sheets):
            "the workbook has \(sheets.count) sheets: \(WorkbookSheet.list(sheets)); name the one to read with --sheet NAME."
        case .noSheets:
            "the workbook has no sheets."
        case .noHeaderAtRow(let row):
            "--header-line \(row) is past the last row of the sheet."
        case .emptySheet(let name):
            "the sheet \"\(name)\" is empty: it needs a header row naming an ID column and the fields to change."
        }
    }
}
