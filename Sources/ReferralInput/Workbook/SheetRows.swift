/// A sheet's rows, in order, one at a time.
protocol SheetRows: AnyObject {
    func next() throws(WorkbookError) -> SheetRow?
    /// Hidden columns (0-based) seen so far, for the warning that they are read as well.
    var hiddenColumns: Set<Int> { get }
    /// From now on, cells of other columns may be left empty (`CSVReader.decodeOnly`).
    func decodeOnly(columns: Set<Int>)
}
