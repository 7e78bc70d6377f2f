/// What `export` writes: CSV, or an .xlsx workbook with typed cells.
public enum ExportFormat: String, Sendable, CaseIterable {
    case csv, xlsx

    /// `--format`, else by the output's extension (`-o deals.xlsx`), else CSV.
    public static func chosen(_ format: ExportFormat?, output: String?) -> ExportFormat {
        format ?? (output?.lowercased().hasSuffix(".xlsx") == true ? .xlsx : .csv)
    }
}
