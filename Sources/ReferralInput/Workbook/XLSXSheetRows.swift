/// Streams a worksheet part's `sheetData`: one `row` at a time, each cell
/// read by its type (`t`) and, for numbers, its style's number format.
final class XLSXSheetRows: SheetRows {
    private var scanner: XMLScanner
    private let sharedStrings: [String]
    private let dateStyles: [Bool]
    private let date1904: Bool
    private var lastRow = 0
    private(set) var hiddenColumns: Set<Int> = []
    private var inSheetData = false

    init(scanner: XMLScanner, sharedStrings: [String], dateStyles: [Bool], date1904: Bool) {
        self.scanner = scanner
        self.sharedStrings = sharedStrings
        self.dateStyles = dateStyles
        self.date1904 = date1904
    }

    func next() throws(WorkbookError) -> SheetRow? {
        while let token = try scanner.next() {
            guard token == .start else {
                if token == .end, scanner.isNamed("sheetData") { return nil }
                continue
            }
            if scanner.isNamed("row") {
                return try readRow()
            } else if scanner.isNamed("col"), scanner.attribute("hidden") == "1" || scanner.attribute("hidden") == "true",
                let min = scanner.integerAttribute("min"), let max = scanner.integerAttribute("max"), min >= 1, max >= min
            {
                // Only up to the widest real sheet: `max="16384"` is how a writer hides "the rest".
                for column in (min - 1)..<Swift.min(max, 16_384) where hiddenColumns.count < 16_384 { hiddenColumns.insert(column) }
            }
        }
        return nil
    }

    private func readRow() throws(WorkbookError) -> SheetRow {
        let number = scanner.integerAttribute("r") ?? lastRow + 1
        lastRow = number
        let hidden = scanner.attribute("hidden")
        var row = SheetRow(number: number, texts: [], types: [], isHidden: hidden == "1" || hidden == "true")
        guard !scanner.isSelfClosing else { return row }
        var nextColumn = 0
        while let token = try scanner.next() {
            if token == .end, scanner.isNamed("row") { return row }
            guard token == .start, scanner.isNamed("c") else { continue }
            var column = nextColumn
            if let reference = scanner.attribute("r") {
                guard let parsed = TypedCells.parse(reference: reference.utf8) else {
                    throw .malformedPart(part: scanner.part, reason: "a cell reference \"\(reference)\" is not a column and row")
                }
                column = parsed.column
            }
            nextColumn = column + 1
            let (text, type) = try readCell()
            if type != .empty { row.set(column, text: text, type: type) }
        }
        throw .malformedPart(part: scanner.part, reason: "it ends inside row \(number)")
    }

    /// The cell at the scanner (a `c` start tag): its text and type.
    private func readCell() throws(WorkbookError) -> (String, CellType) {
        let kind = scanner.attribute("t") ?? "n"
        let style = scanner.integerAttribute("s") ?? 0
        if scanner.isSelfClosing { return ("", .empty) }
        var value: [UInt8]?
        var inline: String?
        var hasFormula = false
        var inValue = false
        while let token = try scanner.next() {
            switch token {
            case .start:
                if scanner.isNamed("v") {
                    inValue = !scanner.isSelfClosing
                    value = value ?? []
                } else if scanner.isNamed("f") {
                    hasFormula = true
                    try scanner.skipElement()
                } else if scanner.isNamed("is") {
                    inline = try XLSXWorkbook.readRichText(&scanner)
                } else {
                    try scanner.skipElement()
                }
            case .text:
                if inValue { scanner.appendText(to: &value!) }
            case .end:
                if scanner.isNamed("v") {
                    inValue = false
                } else if scanner.isNamed("c") {
                    return try typed(kind: kind, style: style, value: value, inline: inline, hasFormula: hasFormula)
                }
            }
        }
        throw .malformedPart(part: scanner.part, reason: "it ends inside a cell")
    }

    private func typed(kind: String, style: Int, value: [UInt8]?, inline: String?, hasFormula: Bool) throws(WorkbookError)
        -> (String, CellType)
    {
        if kind == "inlineStr" { return (inline ?? "", (inline ?? "").isEmpty ? .empty : .text) }
        guard let value, !value.isEmpty else { return ("", hasFormula ? .formulaWithoutValue : .empty) }
        let text = String(decoding: value, as: UTF8.self)
        switch kind {
        case "s":
            guard let index = Int(text), sharedStrings.indices.contains(index) else {
                throw .malformedPart(part: scanner.part, reason: "a cell names shared string \(text), which the workbook does not have")
            }
            let string = sharedStrings[index]
            return (string, string.isEmpty ? .empty : .text)
        case "str": return (String(decoding: SheetValue.unescapingOOXML(value), as: UTF8.self), .text)
        case "b": return (text == "1" ? "TRUE" : "FALSE", .boolean)
        case "e": return (text, .error)
        case "d": return (SheetValue.dateText(iso: text), .date)
        default:
            guard let number = Double(text) else {
                throw .malformedPart(part: scanner.part, reason: "a number cell holds \"\(text)\"")
            }
            if style < dateStyles.count, dateStyles[style], let date = SheetValue.dateText(serial: number, date1904: date1904) {
                return (date, .date)
            }
            guard let shown = SheetValue.numberText(number) else {
                throw .malformedPart(part: scanner.part, reason: "a number cell holds \"\(text)\"")
            }
            return (shown, .number)
        }
    }
}
