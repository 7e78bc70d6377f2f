/// Why a CSV file cannot be read at all (the CLI exits 2 with this sentence).
public enum CSVFileError: Error, Sendable, Equatable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case empty
    case utf16(byteOrderMark: String)
    case invalidHeaderEncoding
    case malformedHeader(reason: String)
    case recordTooLarge(line: Int, limit: Int)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason):
            "cannot read \(path): \(reason)."
        case .empty:
            "the file is empty: it needs a header line naming an ID column and the fields to change."
        case .utf16(let mark):
            "the file is UTF-16 (byte-order mark \(mark)); save it as \"CSV UTF-8\" and run again."
        case .invalidHeaderEncoding:
            "the header line is not valid UTF-8; save the file as \"CSV UTF-8\" and run again."
        case .malformedHeader(let reason):
            "the header line cannot be read: \(reason)."
        case .recordTooLarge(let line, let limit):
            "the record starting on line \(line) is larger than \(limit / 1_048_576) MiB; is a quote left open?"
        }
    }
}
