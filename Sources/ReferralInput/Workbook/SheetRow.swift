/// One row of a sheet as a sheet reader yields it: its number on the sheet
/// (1-based, as the spreadsheet shows it), each cell's text and type, and
/// whether it is hidden. Cells beyond the last one written are absent.
struct SheetRow {
    var number: Int
    var texts: [String]
    var types: [CellType]
    var isHidden: Bool

    var isEmpty: Bool { texts.allSatisfy(\.isEmpty) }

    /// Sets cell `column`, filling the cells before it with empties (a sparse row).
    mutating func set(_ column: Int, text: String, type: CellType) {
        if column >= texts.count {
            texts.append(contentsOf: repeatElement("", count: column - texts.count + 1))
            types.append(contentsOf: repeatElement(.empty, count: column - types.count + 1))
        }
        texts[column] = text
        types[column] = type
    }
}
