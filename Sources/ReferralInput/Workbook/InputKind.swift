import SystemPackage

/// What an input is, told by its content (never its name): text for the
/// CSV reader, a ZIP archive for the workbook reader, or something refused
/// with a sentence saying what it is.
package enum InputKind: Sendable, Equatable {
    case text
    case zipArchive
    case refused(WorkbookError)

    private static let zipSignatures: [[UInt8]] = [[0x50, 0x4B, 0x03, 0x04], [0x50, 0x4B, 0x05, 0x06]]
    private static let compoundFileSignature: [UInt8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]
    /// How far into a compound file its stream names are looked for (the
    /// directory of a workbook of any size sits in its first megabytes).
    private static let compoundFileScan = 8 * 1_048_576

    package static func of(_ handle: InputHandle) throws(CSVFileError) -> InputKind {
        let start = try read(handle, offset: 0, count: 1024)
        if zipSignatures.contains(where: start.starts) { return .zipArchive }
        if start.starts(with: compoundFileSignature) { return .refused(try compoundFile(handle)) }
        if looksLikeHTML(start) { return .refused(.html) }
        return .text
    }

    /// An OLE2 compound file names its streams in UTF-16: `EncryptedPackage`
    /// is a password-protected .xlsx, `Workbook` (or `Book`) a BIFF .xls.
    private static func compoundFile(_ handle: InputHandle) throws(CSVFileError) -> WorkbookError {
        let bytes = try read(handle, offset: 0, count: compoundFileScan)
        func holds(_ name: String) -> Bool {
            let pattern = name.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
            return bytes.indices.contains { index in
                bytes[index] == pattern[0] && bytes[index...].starts(with: pattern)
            }
        }
        if holds("EncryptedPackage") { return .encrypted }
        if holds("Workbook") || holds("Book") { return .legacyExcel }
        return .compoundFile
    }

    /// A page or a table in HTML, as some "Excel" exports are (a `.xls` holding `<table>`).
    static func looksLikeHTML(_ bytes: [UInt8]) -> Bool {
        var text = Substring(String(decoding: bytes, as: UTF8.self).lowercased())
        if text.hasPrefix("\u{FEFF}") { text = text.dropFirst() }
        text = text.drop { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" }
        if text.hasPrefix("<?xml") { return text.contains("<html") }
        return text.hasPrefix("<!doctype html") || text.hasPrefix("<html") || text.hasPrefix("<table")
            || text.hasPrefix("<meta") || text.hasPrefix("<!--")
    }

    private static func read(_ handle: InputHandle, offset: Int64, count: Int) throws(CSVFileError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let read: Int
            do {
                read = try bytes.withUnsafeMutableBytes { buffer in
                    try handle.descriptor.read(
                        fromAbsoluteOffset: offset + Int64(filled), into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]))
                }
            } catch {
                throw .unreadable(path: handle.name, reason: "\(error)")
            }
            if read == 0 { break }
            filled += read
        }
        return Array(bytes[..<filled])
    }
}
