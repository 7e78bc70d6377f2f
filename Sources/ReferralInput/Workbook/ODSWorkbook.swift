/// An OpenDocument spreadsheet (.ods): its sheets, listed by one pass over
/// `content.xml` that reads only the table tags and the table styles (a
/// sheet is hidden when its style says `table:display="false"`).
final class ODSWorkbook {
    let sheets: [WorkbookSheet]
    private let archive: WorkbookArchive
    static let contentPart = "content.xml"

    init(archive: WorkbookArchive) throws(WorkbookError) {
        self.archive = archive
        guard let source = try archive.open(Self.contentPart) else { throw .missingPart(Self.contentPart) }
        let scanner = XMLScanner(source: source, part: Self.contentPart)
        var hiddenStyles: Set<String> = []
        var styleName: String?
        var sheets: [WorkbookSheet] = []
        while let token = try scanner.next() {
            guard token == .start else { continue }
            if scanner.isNamed("style"), scanner.attribute("style:family") == "table" {
                styleName = scanner.attribute("style:name")
            } else if scanner.isNamed("table-properties"), scanner.attribute("table:display") == "false", let styleName {
                hiddenStyles.insert(styleName)
            } else if scanner.isNamed("table"), let name = scanner.attribute("table:name") {
                let hidden = scanner.attribute("table:style-name").map(hiddenStyles.contains) ?? false
                sheets.append(WorkbookSheet(name: name, isHidden: hidden))
                try scanner.skipElement()
            }
        }
        self.sheets = sheets
    }

    func rows(of sheet: WorkbookSheet) throws(WorkbookError) -> SheetRows {
        guard let source = try archive.open(Self.contentPart) else { throw .missingPart(Self.contentPart) }
        return ODSSheetRows(scanner: XMLScanner(source: source, part: Self.contentPart), sheet: sheet.name)
    }
}
