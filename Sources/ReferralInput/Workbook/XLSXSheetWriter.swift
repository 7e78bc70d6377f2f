import Foundation
import SystemPackage
import ZIPFoundation

/// Writes a one-sheet .xlsx workbook as a stream: rows go to a temporary
/// file as they come (flat memory, whatever the row count), and `finish`
/// puts the parts into a ZIP archive with ZIPFoundation. The header row is
/// bold and frozen; widths fit the longest cell of each column (up to 60);
/// text is inline (no shared-string table to hold), so a cell beginning
/// with `=` is text, never a formula.
package final class XLSXSheetWriter {
    /// Why the workbook could not be written.
    package struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        package var reason: String
        package var description: String { "cannot write the workbook: \(reason)" }
    }

    private let sheetName: String
    private let body: FileDescriptor
    private var bodyBytes = 0
    private var buffer: [UInt8] = []
    private var widths: [Int] = []
    private var rowNumber = 0
    private static let flushSize = 256 * 1024

    /// Styles (`styles.xml`'s cellXfs): 1 bold, 2 a date, 3 a date-time.
    private enum Style: Int { case bold = 1, date, dateTime }

    package init(sheetName: String, header: [String]) throws(Failure) {
        self.sheetName = sheetName
        do {
            body = try InputHandle.temporaryFile()
        } catch {
            throw Failure(reason: error.description)
        }
        try append(header.map(SheetCell.text), style: .bold)
    }

    deinit { try? body.close() }

    package func append(_ cells: [SheetCell]) throws(Failure) {
        try append(cells, style: nil)
    }

    private func append(_ cells: [SheetCell], style: Style?) throws(Failure) {
        rowNumber += 1
        let row = String(rowNumber)
        buffer += Array("<row r=\"\(row)\">".utf8)
        for (column, cell) in cells.enumerated() {
            let reference = TypedCells.columnLetters(column) + row
            let shownLength: Int
            switch cell {
            case .empty:
                continue
            case .text(let text):
                guard !text.isEmpty else { continue }
                buffer += Array("<c r=\"\(reference)\"\(style.map { " s=\"\($0.rawValue)\"" } ?? "") t=\"inlineStr\"><is><t xml:space=\"preserve\">".utf8)
                Self.appendEscaped(text, to: &buffer)
                buffer += Array("</t></is></c>".utf8)
                shownLength = text.split(separator: "\n").map(\.count).max() ?? 0
            case .number(let text):
                buffer += Array("<c r=\"\(reference)\"><v>\(text)</v></c>".utf8)
                shownLength = text.count + 2
            case .dateTime(let seconds):
                let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
                let time = seconds - days * 86_400
                // Days since 1899-12-30 (the 1900 system; past 1 March 1900 its leap-year bug no longer matters).
                let serial = SheetValue.numberText(Double(days + 25_569) + Double(time) / 86_400) ?? "0"
                let dateStyle: Style = time == 0 ? .date : .dateTime
                buffer += Array("<c r=\"\(reference)\" s=\"\(dateStyle.rawValue)\"><v>\(serial)</v></c>".utf8)
                shownLength = time == 0 ? 10 : 19
            }
            if column >= widths.count { widths += repeatElement(0, count: column - widths.count + 1) }
            widths[column] = max(widths[column], shownLength)
        }
        buffer += Array("</row>".utf8)
        if buffer.count >= Self.flushSize { try flush() }
    }

    private func flush() throws(Failure) {
        do {
            try body.writeAll(buffer)
        } catch {
            throw Failure(reason: "\(error)")
        }
        bodyBytes += buffer.count
        buffer.removeAll(keepingCapacity: true)
    }

    /// Builds the archive and returns its bytes to read, chunk by chunk.
    package func finish() throws(Failure) -> ByteSource {
        try flush()
        let folder = ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp"
        let path = "\(folder)/referral-bulk-export-\(UUID().uuidString).xlsx"
        defer { unlink(path) }
        let head = Array(sheetHead().utf8)
        let tail = Array("</sheetData></worksheet>".utf8)
        let sheetSize = head.count + bodyBytes + tail.count
        do {
            let archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .create)
            for (name, text) in Self.fixedParts(sheetName: sheetName) {
                let data = Data(text.utf8)
                try archive.addEntry(with: name, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) {
                    position, size in data.subdata(in: Int(position)..<Int(position) + size)
                }
            }
            try archive.addEntry(
                with: "xl/worksheets/sheet1.xml", type: .file, uncompressedSize: Int64(sheetSize), compressionMethod: .deflate,
                bufferSize: 256 * 1024
            ) { position, size in
                try self.sheetBytes(at: Int(position), count: size, head: head, tail: tail)
            }
            let finished = try FileDescriptor.open(FilePath(path), .readOnly, options: .closeOnExec)
            return ByteSource(handle: InputHandle(temporary: finished, name: path))
        } catch {
            throw Failure(reason: "\(error)")
        }
    }

    /// `size` bytes of the sheet part from `position`: its head, the rows file, its tail.
    private func sheetBytes(at position: Int, count size: Int, head: [UInt8], tail: [UInt8]) throws -> Data {
        var data = Data(capacity: size)
        var position = position
        var remaining = size
        if position < head.count {
            let take = min(remaining, head.count - position)
            data.append(contentsOf: head[position..<position + take])
            position += take
            remaining -= take
        }
        if remaining > 0, position < head.count + bodyBytes {
            let take = min(remaining, head.count + bodyBytes - position)
            var chunk = [UInt8](repeating: 0, count: take)
            var filled = 0
            while filled < take {
                let read = try chunk.withUnsafeMutableBytes { bytes in
                    try body.read(fromAbsoluteOffset: Int64(position - head.count + filled), into: UnsafeMutableRawBufferPointer(rebasing: bytes[filled...]))
                }
                guard read > 0 else { throw Failure(reason: "the rows file ended early") }
                filled += read
            }
            data.append(contentsOf: chunk)
            position += take
            remaining -= take
        }
        if remaining > 0 {
            let start = position - head.count - bodyBytes
            data.append(contentsOf: tail[start..<start + remaining])
        }
        return data
    }

    private func sheetHead() -> String {
        let columns = widths.enumerated().map { column, width in
            "<col min=\"\(column + 1)\" max=\"\(column + 1)\" width=\"\(min(max(width, 6) + 2, 60))\" customWidth=\"1\"/>"
        }.joined()
        return """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <worksheet xmlns="\(Self.main)" xmlns:r="\(Self.relationships)">\
            <sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>\
            <selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>\
            <sheetFormatPr defaultRowHeight="15"/>\(columns.isEmpty ? "" : "<cols>\(columns)</cols>")<sheetData>
            """
    }

    private static let main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    private static let relationships = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

    private static func fixedParts(sheetName: String) -> [(String, String)] {
        let declaration = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
        let package = "http://schemas.openxmlformats.org/package/2006"
        let office = "application/vnd.openxmlformats-officedocument.spreadsheetml"
        var name: [UInt8] = []
        appendEscaped(sheetName, to: &name)
        return [
            ("[Content_Types].xml", declaration + """
                <Types xmlns="\(package)/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
                <Default Extension="xml" ContentType="application/xml"/>\
                <Override PartName="/xl/workbook.xml" ContentType="\(office).sheet.main+xml"/>\
                <Override PartName="/xl/worksheets/sheet1.xml" ContentType="\(office).worksheet+xml"/>\
                <Override PartName="/xl/styles.xml" ContentType="\(office).styles+xml"/></Types>
                """),
            ("_rels/.rels", declaration + """
                <Relationships xmlns="\(package)/relationships"><Relationship Id="rId1" \
                Type="\(relationships)/officeDocument" Target="xl/workbook.xml"/></Relationships>
                """),
            ("xl/workbook.xml", declaration + """
                <workbook xmlns="\(main)" xmlns:r="\(relationships)"><bookViews><workbookView/></bookViews>\
                <sheets><sheet name="\(String(decoding: name, as: UTF8.self))" sheetId="1" r:id="rId1"/></sheets></workbook>
                """),
            ("xl/_rels/workbook.xml.rels", declaration + """
                <Relationships xmlns="\(package)/relationships">\
                <Relationship Id="rId1" Type="\(relationships)/worksheet" Target="worksheets/sheet1.xml"/>\
                <Relationship Id="rId2" Type="\(relationships)/styles" Target="styles.xml"/></Relationships>
                """),
            ("xl/styles.xml", declaration + """
                <styleSheet xmlns="\(main)"><numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd"/>\
                <numFmt numFmtId="165" formatCode="yyyy\\-mm\\-dd\\ hh:mm:ss"/></numFmts>\
                <fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>\
                <fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>\
                <borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
                <cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
                <cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
                <xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>\
                <xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
                <xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>\
                <cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>
                """),
        ]
    }

    /// XML-escapes text for a `<t>`: `&`, `<`, `>`; characters XML cannot
    /// hold (controls, and a carriage return, which XML would turn into a
    /// line feed) as `_xHHHH_`, and an underscore that would read as such an
    /// escape as `_x005F_`.
    static func appendEscaped(_ text: String, to out: inout [UInt8]) {
        let bytes = Array(text.utf8)
        for (index, byte) in bytes.enumerated() {
            switch byte {
            case UInt8(ascii: "&"): out += Array("&amp;".utf8)
            case UInt8(ascii: "<"): out += Array("&lt;".utf8)
            case UInt8(ascii: ">"): out += Array("&gt;".utf8)
            case UInt8(ascii: "_") where looksLikeEscape(bytes, at: index): out += Array("_x005F_".utf8)
            case 0x09, 0x0A: out.append(byte)
            case ..<0x20:
                let hex = String(byte, radix: 16, uppercase: true)
                out += Array("_x\(String(repeating: "0", count: 4 - hex.count))\(hex)_".utf8)
            default: out.append(byte)
            }
        }
    }

    private static func looksLikeEscape(_ bytes: [UInt8], at index: Int) -> Bool {
        guard index + 6 < bytes.count, bytes[index + 1] == UInt8(ascii: "x"), bytes[index + 6] == UInt8(ascii: "_") else { return false }
        return bytes[(index + 2)..<(index + 6)].allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 | 0x20 >= 97 && $0 | 0x20 <= 102) }
    }
}
