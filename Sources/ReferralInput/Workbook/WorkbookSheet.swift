/// A sheet as the workbook lists it.
package struct WorkbookSheet: Sendable, Hashable {
    package var name: String
    package var isHidden: Bool

    package init(name: String, isHidden: Bool = false) {
        self.name = name
        self.isHidden = isHidden
    }

    /// `"Deals", "Notes" (hidden)`.
    static func list(_ sheets: [WorkbookSheet]) -> String {
        sheets.map { "\"\($0.name)\"" + ($0.isHidden ? " (hidden)" : "") }.joined(separator: ", ")
    }
}
