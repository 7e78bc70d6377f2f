/// An Office Open XML workbook (.xlsx, .xlsm): its sheets, date system,
/// styles and shared strings, read from their parts before a sheet's rows
/// are streamed by `XLSXSheetRows`.
final class XLSXWorkbook {
    struct Sheet {
        var sheet: WorkbookSheet
        var part: String
    }

    let sheets: [Sheet]
    private let archive: WorkbookArchive
    private let date1904: Bool
    private let sharedStringsPart: String?
    private let stylesPart: String?

    init(archive: WorkbookArchive) throws(WorkbookError) {
        self.archive = archive
        let workbookPart = try Self.officeDocument(archive) ?? "xl/workbook.xml"
        guard archive.contains(workbookPart) else { throw .missingPart(workbookPart) }
        let folder = workbookPart.split(separator: "/").dropLast().joined(separator: "/")
        let relsPart = (folder.isEmpty ? "" : folder + "/") + "_rels/" + workbookPart.split(separator: "/").last! + ".rels"
        var targets: [String: String] = [:]
        var sharedStrings: String?
        var styles: String?
        if let source = try archive.open(relsPart) {
            let scanner = XMLScanner(source: source, part: relsPart)
            while let token = try scanner.next() {
                guard token == .start, scanner.isNamed("Relationship"), let id = scanner.attribute("Id"),
                    let target = scanner.attribute("Target"), let type = scanner.attribute("Type")
                else { continue }
                let path = Self.resolve(target, in: folder)
                if type.hasSuffix("/sharedStrings") { sharedStrings = path }
                if type.hasSuffix("/styles") { styles = path }
                targets[id] = path
            }
        }
        self.sharedStringsPart = sharedStrings
        self.stylesPart = styles
        var sheets: [Sheet] = []
        var date1904 = false
        let scanner = XMLScanner(source: try archive.open(workbookPart)!, part: workbookPart)
        while let token = try scanner.next() {
            guard token == .start else { continue }
            if scanner.isNamed("workbookPr") {
                let value = scanner.attribute("date1904")
                date1904 = value == "1" || value == "true"
            } else if scanner.isNamed("sheet"), let name = scanner.attribute("name") {
                let id = scanner.attribute("r:id") ?? ""
                let state = scanner.attribute("state")
                let part = targets[id] ?? "xl/worksheets/sheet\(sheets.count + 1).xml"
                sheets.append(Sheet(sheet: WorkbookSheet(name: name, isHidden: state == "hidden" || state == "veryHidden"), part: part))
            }
        }
        self.date1904 = date1904
        self.sheets = sheets
    }

    /// The rows of `sheet`, with the shared strings and date styles read first.
    func rows(of sheet: Sheet) throws(WorkbookError) -> SheetRows {
        guard let source = try archive.open(sheet.part) else { throw .missingPart(sheet.part) }
        let strings = try archive.sharedStrings { () throws(WorkbookError) in try sharedStringsPart.map(readSharedStrings) ?? [] }
        let dateStyles = try stylesPart.map(readDateStyles) ?? []
        return XLSXSheetRows(
            scanner: XMLScanner(source: source, part: sheet.part), sharedStrings: strings, dateStyles: dateStyles,
            date1904: date1904)
    }

    /// `_rels/.rels`' main document, the workbook part.
    private static func officeDocument(_ archive: WorkbookArchive) throws(WorkbookError) -> String? {
        guard let source = try archive.open("_rels/.rels") else { return nil }
        let scanner = XMLScanner(source: source, part: "_rels/.rels")
        while let token = try scanner.next() {
            if token == .start, scanner.isNamed("Relationship"), scanner.attribute("Type")?.hasSuffix("/officeDocument") == true,
                let target = scanner.attribute("Target")
            {
                return resolve(target, in: "")
            }
        }
        return nil
    }

    /// A relationship's target, relative to the part's folder or absolute (`/xl/…`).
    private static func resolve(_ target: String, in folder: String) -> String {
        if target.hasPrefix("/") { return String(target.dropFirst()) }
        var parts = folder.split(separator: "/").map(String.init)
        for component in target.split(separator: "/") {
            if component == ".." { _ = parts.popLast() } else if component != "." { parts.append(String(component)) }
        }
        return parts.joined(separator: "/")
    }

    /// The shared string table: the one thing held in memory for a sheet.
    /// Rich-text runs are joined; phonetic runs (`rPh`) are not text of the cell.
    private func readSharedStrings(_ part: String) throws(WorkbookError) -> [String] {
        guard let source = try archive.open(part) else { return [] }
        let scanner = XMLScanner(source: source, part: part)
        var strings: [String] = []
        while let token = try scanner.next() {
            if token == .start, scanner.isNamed("si") {
                strings.append(try Self.readRichText(scanner))
            }
        }
        return strings
    }

    /// The text of an `si` or `is` element: its `t` elements, in order, with
    /// `_xHHHH_` escapes decoded, phonetic runs left out. Whitespace is
    /// kept as written whether or not `xml:space="preserve"` says so.
    static func readRichText(_ scanner: XMLScanner) throws(WorkbookError) -> String {
        guard !scanner.isSelfClosing else { return "" }
        var bytes: [UInt8] = []
        var inText = false
        var depth = 1
        while let token = try scanner.next() {
            switch token {
            case .start:
                if scanner.isNamed("rPh") {
                    try scanner.skipElement()
                } else if !scanner.isSelfClosing {
                    depth += 1
                    inText = scanner.isNamed("t")
                }
            case .end:
                depth -= 1
                inText = false
                if depth == 0 { return String(decoding: SheetValue.unescapingOOXML(bytes), as: UTF8.self) }
            case .text:
                if inText { scanner.appendText(to: &bytes) }
            }
        }
        throw .malformedPart(part: scanner.part, reason: "it ends inside a string")
    }

    /// For each cell style (`cellXfs`), whether its number format shows a date.
    private func readDateStyles(_ part: String) throws(WorkbookError) -> [Bool] {
        guard let source = try archive.open(part) else { return [] }
        let scanner = XMLScanner(source: source, part: part)
        var customDates: [Int: Bool] = [:]
        var styles: [Bool] = []
        var inCellXfs = false
        while let token = try scanner.next() {
            if token == .start, scanner.isNamed("numFmt"), let id = scanner.integerAttribute("numFmtId") {
                customDates[id] = NumberFormat.isDate(code: scanner.attribute("formatCode") ?? "")
            } else if token == .start, scanner.isNamed("cellXfs") {
                inCellXfs = !scanner.isSelfClosing
            } else if token == .end, scanner.isNamed("cellXfs") {
                inCellXfs = false
            } else if token == .start, inCellXfs, scanner.isNamed("xf") {
                let id = scanner.integerAttribute("numFmtId") ?? 0
                styles.append(customDates[id] ?? NumberFormat.isBuiltInDate(id))
            }
        }
        return styles
    }
}
