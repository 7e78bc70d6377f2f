/// The character encoding of an input file. It is decided once, for the
/// whole file, before any row is planned: a byte-order mark, or
/// `--encoding`, or UTF-8. Everything downstream of the decoder sees UTF-8.
package enum TextEncoding: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case utf8 = "utf-8"
    case utf16LittleEndian = "utf-16le"
    case utf16BigEndian = "utf-16be"
    case windows1252 = "windows-1252"
    case isoLatin1 = "iso-8859-1"
    case macintosh = "macintosh"

    package var description: String { rawValue }

    /// `--encoding` names, as spreadsheets and `iconv` spell them.
    /// `utf-16` alone means "UTF-16, byte order from the byte-order mark".
    package init?(name: String) {
        switch String(name.lowercased().map { $0 == "_" ? "-" : $0 }) {
        case "utf-8", "utf8": self = .utf8
        case "utf-16le", "utf16le", "utf-16", "utf16", "unicode": self = .utf16LittleEndian
        case "utf-16be", "utf16be": self = .utf16BigEndian
        case "windows-1252", "cp1252", "windows1252", "ansi": self = .windows1252
        case "iso-8859-1", "latin1", "latin-1", "iso8859-1": self = .isoLatin1
        case "macintosh", "macroman", "mac-roman", "x-mac-roman": self = .macintosh
        default: return nil
        }
    }

    package static let acceptedNames = "utf-8, utf-16 (utf-16le, utf-16be), windows-1252, iso-8859-1, macintosh"

    var isUTF16: Bool { self == .utf16LittleEndian || self == .utf16BigEndian }

    /// For the single-byte encodings: the UTF-8 bytes of each byte value
    /// (empty for a byte the encoding leaves undefined). A plain array: the
    /// lookup is the hot path of reading such a file.
    var singleByteTable: [[UInt8]]? {
        switch self {
        case .windows1252: Self.windows1252Table
        case .isoLatin1: Self.isoLatin1Table
        case .macintosh: Self.macintoshTable
        case .utf8, .utf16LittleEndian, .utf16BigEndian: nil
        }
    }

    private static let isoLatin1Table = table(high: (0x80...0xFF).map { UInt32?($0) })
    private static let windows1252Table = table(high: windows1252From80To9F + (0xA0...0xFF).map { UInt32?($0) })
    private static let macintoshTable = table(high: macintoshFrom80)

    private static func table(high: [UInt32?]) -> [[UInt8]] {
        (0..<0x80).map { [UInt8($0)] } + high.map { code in code.flatMap(Unicode.Scalar.init).map { Array(String($0).utf8) } ?? [] }
    }

    // The code charts below are the Unicode Consortium's mapping files
    // (CP1252.TXT, ROMAN.TXT), written out: Foundation's own table for Mac
    // Roman is wrong on Linux (it reads 0x8E, "é", as "±").

    /// Windows-1252 0x80...0x9F; five bytes are undefined.
    private static let windows1252From80To9F: [UInt32?] = [
        0x20AC, nil, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
        0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, nil, 0x017D, nil,
        nil, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
        0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, nil, 0x017E, 0x0178,
    ]

    /// Mac OS Roman 0x80...0xFF.
    private static let macintoshFrom80: [UInt32?] = [
        0x00C4, 0x00C5, 0x00C7, 0x00C9, 0x00D1, 0x00D6, 0x00DC, 0x00E1,
        0x00E0, 0x00E2, 0x00E4, 0x00E3, 0x00E5, 0x00E7, 0x00E9, 0x00E8,
        0x00EA, 0x00EB, 0x00ED, 0x00EC, 0x00EE, 0x00EF, 0x00F1, 0x00F3,
        0x00F2, 0x00F4, 0x00F6, 0x00F5, 0x00FA, 0x00F9, 0x00FB, 0x00FC,
        0x2020, 0x00B0, 0x00A2, 0x00A3, 0x00A7, 0x2022, 0x00B6, 0x00DF,
        0x00AE, 0x00A9, 0x2122, 0x00B4, 0x00A8, 0x2260, 0x00C6, 0x00D8,
        0x221E, 0x00B1, 0x2264, 0x2265, 0x00A5, 0x00B5, 0x2202, 0x2211,
        0x220F, 0x03C0, 0x222B, 0x00AA, 0x00BA, 0x03A9, 0x00E6, 0x00F8,
        0x00BF, 0x00A1, 0x00AC, 0x221A, 0x0192, 0x2248, 0x2206, 0x00AB,
        0x00BB, 0x2026, 0x00A0, 0x00C0, 0x00C3, 0x00D5, 0x0152, 0x0153,
        0x2013, 0x2014, 0x201C, 0x201D, 0x2018, 0x2019, 0x00F7, 0x25CA,
        0x00FF, 0x0178, 0x2044, 0x20AC, 0x2039, 0x203A, 0xFB01, 0xFB02,
        0x2021, 0x00B7, 0x201A, 0x201E, 0x2030, 0x00C2, 0x00CA, 0x00C1,
        0x00CB, 0x00C8, 0x00CD, 0x00CE, 0x00CF, 0x00CC, 0x00D3, 0x00D4,
        0xF8FF, 0x00D2, 0x00DA, 0x00DB, 0x00D9, 0x0131, 0x02C6, 0x02DC,
        0x00AF, 0x02D8, 0x02D9, 0x02DA, 0x00B8, 0x02DD, 0x02DB, 0x02C7,
    ]

    /// The bytes of `text` in this encoding: how `retry.csv` gives the input
    /// back in its own encoding. Nil when a character has no byte here
    /// (impossible for text that was decoded from this encoding).
    /// - Parameter substitute: the byte written for a character this
    ///   encoding has no byte for (nil: return nil instead).
    package func encode(_ text: String, substitute: UInt8? = nil) -> [UInt8]? {
        switch self {
        case .utf8: return Array(text.utf8)
        case .utf16LittleEndian: return text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        case .utf16BigEndian: return text.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
        case .windows1252, .isoLatin1, .macintosh:
            let reverse = Self.reverseTables[self]!
            var bytes: [UInt8] = []
            bytes.reserveCapacity(text.utf8.count)
            for scalar in text.unicodeScalars {
                if scalar.isASCII {
                    bytes.append(UInt8(scalar.value))
                } else if let byte = reverse[scalar] ?? substitute {
                    bytes.append(byte)
                } else {
                    return nil
                }
            }
            return bytes
        }
    }

    private static let reverseTables = Dictionary(
        uniqueKeysWithValues: [TextEncoding.windows1252, .isoLatin1, .macintosh].map { ($0, reverseTable(for: $0)) })

    private static func reverseTable(for encoding: TextEncoding) -> [Unicode.Scalar: UInt8] {
        var reverse: [Unicode.Scalar: UInt8] = [:]
        for (byte, utf8) in (encoding.singleByteTable ?? []).enumerated() where byte >= 0x80 && !utf8.isEmpty {
            if let scalar = String(decoding: utf8, as: UTF8.self).unicodeScalars.first { reverse[scalar] = UInt8(byte) }
        }
        return reverse
    }

    /// The byte-order mark a file in this encoding starts with when it had one.
    package var byteOrderMark: [UInt8] {
        switch self {
        case .utf8: [0xEF, 0xBB, 0xBF]
        case .utf16LittleEndian: [0xFF, 0xFE]
        case .utf16BigEndian: [0xFE, 0xFF]
        case .windows1252, .isoLatin1, .macintosh: []
        }
    }
}
