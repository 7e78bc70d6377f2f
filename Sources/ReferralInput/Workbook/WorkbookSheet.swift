/// A sheet as the workbook lists it.
public struct WorkbookSheet: Sendable, Hashable {
    public var name: String
    public var isHidden: Bool

    public init(name: String, isHidden: Bool = false) {
        self.name = name
        self.isHidden = isHidden
    }

    /// `"Deals", "Notes" (hidden)`.
    static func list(_ sheets: [WorkbookSheet]) -> String {
        sheets.map { "\"\($0.name)\"" + ($0.isHidden ? " (hidden)" : "") }.joined(separator: ", ")
    }
}
