/// Why an input (a CSV file or a workbook) cannot be read at all (the CLI exits 2 with this sentence).
package enum CSVFileError: Error, Sendable, Equatable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case empty
    /// A workbook that cannot be read, or a file that is neither a workbook nor text.
    case workbook(WorkbookError)
    /// UTF-16 text with no byte-order mark: its byte order cannot be known for sure.
    case utf16WithoutByteOrderMark(likelyLittleEndian: Bool)
    /// Bytes that are not text in the encoding the file was read as.
    case notInEncoding(encoding: TextEncoding, line: Int)
    /// `--encoding` names one encoding, the file's byte-order mark another.
    case byteOrderMarkContradicts(mark: TextEncoding, requested: TextEncoding)
    case malformedHeader(reason: String)
    case recordTooLarge(line: Int, limit: Int)
    /// `--header-line N` points past the end of the file.
    case noHeaderAtLine(Int)

    package var description: String {
        switch self {
        case .unreadable(let path, let reason):
            "cannot read \(path): \(reason)."
        case .empty:
            "the file is empty: it needs a header line naming an ID column and the fields to change."
        case .workbook(let error):
            error.description
        case .utf16WithoutByteOrderMark(let little):
            "the file looks like UTF-16 text without a byte-order mark; save it as \"CSV UTF-8\", or pass --encoding \(little ? "utf-16le" : "utf-16be") if that is what it is."
        case .notInEncoding(.utf8, let line):
            "line \(line) is not valid UTF-8, so nothing was sent; save the file as \"CSV UTF-8\", or name its encoding, e.g. --encoding windows-1252."
        case .notInEncoding(let encoding, let line):
            "line \(line) holds bytes that are not \(encoding) text, so nothing was sent; check --encoding (\(TextEncoding.acceptedNames))."
        case .byteOrderMarkContradicts(let mark, let requested):
            "the file starts with a \(mark) byte-order mark, but --encoding says \(requested); drop --encoding or save the file again."
        case .malformedHeader(let reason):
            "the header line cannot be read: \(reason)."
        case .recordTooLarge(let line, let limit):
            "the record starting on line \(line) is larger than \(limit / 1_048_576) MiB; is a quote left open?"
        case .noHeaderAtLine(let line):
            "--header-line \(line) is past the end of the file."
        }
    }
}
