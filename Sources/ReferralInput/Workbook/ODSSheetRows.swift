/// Streams one `table:table` of an OpenDocument `content.xml`: rows and
/// cells with their repeat counts, each cell read by `office:value-type`.
///
/// Repeats cost nothing when empty: LibreOffice ends a sheet with
/// `table:number-rows-repeated="1048553"` empty rows and a row with
/// `table:number-columns-repeated="1024"` empty cells; those only move the
/// row and column counters. A repeated row or cell that holds something is
/// yielded as many times as the spreadsheet shows it.
final class ODSSheetRows: SheetRows {
    private let scanner: XMLScanner
    private let sheet: String
    private var inTable = false
    private var finished = false
    private var rowNumber = 0
    private(set) var hiddenColumns: Set<Int> = []
    private var columnCount = 0
    /// A non-empty row still to be yielded again (`number-rows-repeated`).
    private var repeating: (row: SheetRow, remaining: Int)?

    /// Cells past this column are not read: a sheet is 16,384 columns at most
    /// in Excel, 16,384 in LibreOffice 7.4 too.
    private static let maximumColumns = 16_384

    init(scanner: XMLScanner, sheet: String) {
        self.scanner = scanner
        self.sheet = sheet
    }

    /// Every cell is read: an .ods cell's text is in its paragraphs, which must be walked anyway.
    func decodeOnly(columns: Set<Int>) {}

    func next() throws(WorkbookError) -> SheetRow? {
        if var pending = repeating {
            pending.row.number += 1
            pending.remaining -= 1
            repeating = pending.remaining > 0 ? pending : nil
            return pending.row
        }
        while !finished, let token = try scanner.next() {
            guard inTable else {
                if token == .start, scanner.isNamed("table"), scanner.attribute("table:name") == sheet { inTable = true }
                continue
            }
            if token == .end, scanner.isNamed("table") {
                finished = true
                return nil
            }
            guard token == .start else { continue }
            if scanner.isNamed("table-column") {
                let count = max(1, scanner.integerAttribute("table:number-columns-repeated") ?? 1)
                if scanner.attribute("table:visibility").map({ $0 != "visible" }) == true {
                    for column in columnCount..<min(columnCount + count, Self.maximumColumns) { hiddenColumns.insert(column) }
                }
                columnCount = min(columnCount + count, Self.maximumColumns)
            } else if scanner.isNamed("table-row") {
                let repeats = max(1, scanner.integerAttribute("table:number-rows-repeated") ?? 1)
                let hidden = scanner.attribute("table:visibility").map { $0 != "visible" } ?? false
                var row = SheetRow(number: rowNumber + 1, texts: [], types: [], isHidden: hidden)
                try readCells(into: &row)
                rowNumber += repeats
                if row.isEmpty { continue }
                if repeats > 1 { repeating = (row, repeats - 1) }
                return row
            }
        }
        return nil
    }

    private func readCells(into row: inout SheetRow) throws(WorkbookError) {
        guard !scanner.isSelfClosing else { return }
        var column = 0
        while let token = try scanner.next() {
            if token == .end, scanner.isNamed("table-row") { return }
            guard token == .start, scanner.isNamed("table-cell") || scanner.isNamed("covered-table-cell") else { continue }
            let repeats = max(1, scanner.integerAttribute("table:number-columns-repeated") ?? 1)
            let (text, type) = try readCell()
            if type != .empty {
                for offset in 0..<min(repeats, Self.maximumColumns - column) { row.set(column + offset, text: text, type: type) }
            }
            column = min(column + repeats, Self.maximumColumns)
        }
        throw .malformedPart(part: scanner.part, reason: "it ends inside row \(row.number)")
    }

    /// The cell at the scanner: its text and type. Text cells are their
    /// paragraphs joined by line breaks; an annotation (a comment) is not
    /// the cell's text.
    private func readCell() throws(WorkbookError) -> (String, CellType) {
        let valueType = scanner.attribute("office:value-type")
        let extendedType = scanner.attribute("calcext:value-type")
        let hasFormula = scanner.attribute("table:formula") != nil
        var stored: String?
        switch valueType {
        case "float", "percentage", "currency": stored = scanner.attribute("office:value")
        case "date": stored = scanner.attribute("office:date-value")
        case "boolean": stored = scanner.attribute("office:boolean-value")
        default: stored = nil
        }
        let shown = scanner.isSelfClosing ? "" : try readParagraphs()
        if extendedType == "error" { return (shown, .error) }
        switch valueType {
        case "float", "percentage", "currency":
            guard let text = stored.flatMap(SheetValue.numberText(stored:)) else {
                throw .malformedPart(part: scanner.part, reason: "a number cell holds \"\(stored ?? "")\"")
            }
            return (text, .number)
        case "date":
            return (SheetValue.dateText(iso: stored ?? shown), .date)
        case "boolean":
            return (stored == "true" ? "TRUE" : "FALSE", .boolean)
        case nil:
            return hasFormula ? ("", .formulaWithoutValue) : (shown, shown.isEmpty ? .empty : .text)
        default:  // string, time (shown as the sheet shows it)
            return (shown, shown.isEmpty ? .empty : .text)
        }
    }

    private func readParagraphs() throws(WorkbookError) -> String {
        var bytes: [UInt8] = []
        var paragraphs = 0
        var depth = 1
        while let token = try scanner.next() {
            switch token {
            case .start:
                if scanner.isNamed("annotation") {
                    try scanner.skipElement()
                    continue
                }
                if scanner.isNamed("p") {
                    if paragraphs > 0 { bytes.append(0x0A) }
                    paragraphs += 1
                } else if scanner.isNamed("s") {
                    let count = min(max(1, scanner.integerAttribute("text:c") ?? 1), 10_000)
                    bytes.append(contentsOf: repeatElement(0x20, count: count))
                } else if scanner.isNamed("tab") {
                    bytes.append(0x09)
                } else if scanner.isNamed("line-break") {
                    bytes.append(0x0A)
                }
                if !scanner.isSelfClosing { depth += 1 }
            case .text:
                if paragraphs > 0 { scanner.appendText(to: &bytes) }
            case .end:
                depth -= 1
                if depth == 0 { return String(decoding: bytes, as: UTF8.self) }
            }
        }
        throw .malformedPart(part: scanner.part, reason: "it ends inside a cell")
    }
}
