/// What `export` writes: CSV, or an .xlsx workbook with typed cells.
package enum ExportFormat: String, Sendable, CaseIterable {
    case csv, xlsx

    /// `--format`, else by the output's extension (`-o deals.xlsx`), else CSV.
    package static func chosen(_ format: ExportFormat?, output: String?) -> ExportFormat {
        format ?? (output?.lowercased().hasSuffix(".xlsx") == true ? .xlsx : .csv)
    }
}
