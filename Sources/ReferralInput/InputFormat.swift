/// How an input file is written (delimiter, encoding, byte-order mark, the
/// lines above its header), so that a file the tool gives back to the user
/// (`retry.csv`) is written the same way and the same command reads it.
package struct InputFormat: Sendable, Hashable {
    package var delimiter: UInt8
    package var encoding: TextEncoding
    package var hasByteOrderMark: Bool
    /// The lines above the header as read (`sep=;`, a title row), line ends included.
    package var preamble: String
    /// The sheet read, when the input was a workbook: the retry file is then
    /// an .xlsx with one sheet of that name, so the same `--sheet` reads it.
    package var workbookSheet: String?

    package init(
        delimiter: UInt8, encoding: TextEncoding = .utf8, hasByteOrderMark: Bool = false, preamble: String = "",
        workbookSheet: String? = nil
    ) {
        self.delimiter = delimiter
        self.encoding = encoding
        self.hasByteOrderMark = hasByteOrderMark
        self.preamble = preamble
        self.workbookSheet = workbookSheet
    }
}
