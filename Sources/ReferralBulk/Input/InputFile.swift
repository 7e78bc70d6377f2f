/// Opens an input for planning: the file (or `-`), its reader and its column map.
public enum InputFile {
    /// Why an input cannot be used at all.
    public enum OpenError: Error, Sendable, CustomStringConvertible {
        case file(CSVFileError)
        case header(HeaderError)

        public var description: String {
            switch self {
            case .file(let error): error.description
            case .header(let error): error.description
            }
        }
    }

    /// `--delimiter` values: `,`, `;`, `tab` (or a literal tab).
    public static func delimiter(named name: String) -> UInt8? {
        switch name.lowercased() {
        case ",", "comma": UInt8(ascii: ",")
        case ";", "semicolon": UInt8(ascii: ";")
        case "tab", "\t", "\\t": 0x09
        default: nil
        }
    }

    public static func planner(path: String, delimiter: UInt8? = nil, ignoreUnknownColumns: Bool = false)
        throws(OpenError) -> Planner
    {
        let reader: CSVReader
        do {
            reader = try CSVReader(source: ByteSource(path: path), delimiter: delimiter)
        } catch {
            throw .file(error)
        }
        do {
            return try Planner(reader: reader, ignoreUnknownColumns: ignoreUnknownColumns)
        } catch {
            throw .header(error)
        }
    }
}
