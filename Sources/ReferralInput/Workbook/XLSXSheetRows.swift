/// Streams a worksheet part's `sheetData`: one `row` at a time, each cell
/// read by its type (`t`) and, for numbers, its style's number format.
final class XLSXSheetRows: SheetRows {
    private let scanner: XMLScanner
    private let sharedStrings: [String]
    private let dateStyles: [Bool]
    private let date1904: Bool
    private var lastRow = 0
    private(set) var hiddenColumns: Set<Int> = []
    /// Which columns to read (`decodeOnly`); nil: all.
    private var decoded: [Bool]?

    init(scanner: XMLScanner, sharedStrings: [String], dateStyles: [Bool], date1904: Bool) {
        self.scanner = scanner
        self.sharedStrings = sharedStrings
        self.dateStyles = dateStyles
        self.date1904 = date1904
    }

    func decodeOnly(columns: Set<Int>) {
        let width = (columns.max() ?? -1) + 1
        decoded = (0..<width).map(columns.contains)
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
        let hidden = scanner.attribute("hidden", is: "1") || scanner.attribute("hidden", is: "true")
        var row = SheetRow(number: number, texts: [], types: [], isHidden: hidden)
        guard !scanner.isSelfClosing else { return row }
        var nextColumn = 0
        while let token = try scanner.next() {
            if token == .end, scanner.isNamed("row") { return row }
            guard token == .start, scanner.isNamed("c") else { continue }
            var column = nextColumn
            if let reference = scanner.rawAttribute("r") {
                guard let parsed = TypedCells.parse(reference: reference) else {
                    throw .malformedPart(
                        part: scanner.part, reason: "a cell reference \"\(String(decoding: reference, as: UTF8.self))\" is not a column and row")
                }
                column = parsed.column
            }
            nextColumn = column + 1
            if let decoded, column >= decoded.count || !decoded[column] {
                try scanner.skipElement()
                continue
            }
            let (text, type) = try readCell()
            if type != .empty { row.set(column, text: text, type: type) }
        }
        throw .malformedPart(part: scanner.part, reason: "it ends inside row \(number)")
    }

    /// The cell at the scanner (a `c` start tag): its text and type.
    private func readCell() throws(WorkbookError) -> (String, CellType) {
        let kind = Kind(scanner)
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
                    inline = try XLSXWorkbook.readRichText(scanner)
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

    /// A cell's `t`: read once a cell, so compared as bytes.
    private enum Kind {
        case number, shared, formulaString, inline, boolean, error, date

        init(_ scanner: XMLScanner) {
            guard let raw = scanner.rawAttribute("t") else {
                self = .number
                return
            }
            switch String(decoding: raw, as: UTF8.self) {
            case "s": self = .shared
            case "str": self = .formulaString
            case "inlineStr": self = .inline
            case "b": self = .boolean
            case "e": self = .error
            case "d": self = .date
            default: self = .number
            }
        }
    }

    private func typed(kind: Kind, style: Int, value: [UInt8]?, inline: String?, hasFormula: Bool) throws(WorkbookError)
        -> (String, CellType)
    {
        if kind == .inline { return (inline ?? "", (inline ?? "").isEmpty ? .empty : .text) }
        guard let value, !value.isEmpty else { return ("", hasFormula ? .formulaWithoutValue : .empty) }
        let text = String(decoding: value, as: UTF8.self)
        switch kind {
        case .shared:
            guard let index = Int(text), sharedStrings.indices.contains(index) else {
                throw .malformedPart(part: scanner.part, reason: "a cell names shared string \(text), which the workbook does not have")
            }
            let string = sharedStrings[index]
            return (string, string.isEmpty ? .empty : .text)
        case .formulaString: return (String(decoding: SheetValue.unescapingOOXML(value), as: UTF8.self), .text)
        case .boolean: return (text == "1" ? "TRUE" : "FALSE", .boolean)
        case .error: return (text, .error)
        case .date: return (SheetValue.dateText(iso: text), .date)
        case .number, .inline:
            if style < dateStyles.count, dateStyles[style], let serial = Double(text),
                let date = SheetValue.dateText(serial: serial, date1904: date1904)
            {
                return (date, .date)
            }
            guard let shown = SheetValue.numberText(stored: text) else {
                throw .malformedPart(part: scanner.part, reason: "a number cell holds \"\(text)\"")
            }
            return (shown, .number)
        }
    }
}
