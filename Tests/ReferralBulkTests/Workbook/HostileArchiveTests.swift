import Foundation
import Testing
import ZIPFoundation

@testable import ReferralInput
@testable import ReferralPlan

/// Builds archives in the test (none is kept in git): with ZIPFoundation,
/// or byte by byte where an archive must say what no library would write.
enum HostileArchive {
    static func make(_ entries: [(String, Data)], compression: CompressionMethod = .deflate) throws -> String {
        let path = try Fixtures.temporaryFile([], name: "archive.xlsx")
        try FileManager.default.removeItem(atPath: path)
        let archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .create)
        for (name, data) in entries {
            try archive.addEntry(with: name, type: .file, uncompressedSize: Int64(data.count), compressionMethod: compression) {
                position, size in data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        return path
    }

    /// An archive of stored, empty entries, written by hand: `count` of them, named by `name`.
    static func stored(count: Int, name: (Int) -> String) throws -> String {
        var local: [UInt8] = []
        var central: [UInt8] = []
        func le(_ value: Int, _ width: Int) -> [UInt8] { (0..<width).map { UInt8((value >> (8 * $0)) & 0xFF) } }
        for index in 0..<count {
            let bytes = Array(name(index).utf8)
            let offset = local.count
            local += le(0x0403_4B50, 4) + le(20, 2) + le(0, 2) + le(0, 2) + le(0, 2) + le(0x21, 2) + le(0, 4) + le(0, 4) + le(0, 4)
                + le(bytes.count, 2) + le(0, 2) + bytes
            central += le(0x0201_4B50, 4) + le(20, 2) + le(20, 2) + le(0, 2) + le(0, 2) + le(0, 2) + le(0x21, 2) + le(0, 4)
                + le(0, 4) + le(0, 4) + le(bytes.count, 2) + le(0, 2) + le(0, 2) + le(0, 2) + le(0, 2) + le(0, 4) + le(offset, 4) + bytes
        }
        let end = le(0x0605_4B50, 4) + le(0, 2) + le(0, 2) + le(count, 2) + le(count, 2) + le(central.count, 4) + le(local.count, 4) + le(0, 2)
        return try Fixtures.temporaryFile(local + central + end, name: "stored.xlsx")
    }

    /// A minimal .xlsx whose one sheet is `sheetXML`.
    static func workbook(sheet sheetXML: String, compression: CompressionMethod = .deflate) throws -> String {
        try make(
            [
                ("[Content_Types].xml", Data("<Types/>".utf8)),
                ("xl/workbook.xml", Data("<workbook><sheets><sheet name=\"S\" r:id=\"rId1\"/></sheets></workbook>".utf8)),
                ("xl/_rels/workbook.xml.rels", Data("<Relationships><Relationship Id=\"rId1\" Type=\"x/worksheet\" Target=\"worksheets/sheet1.xml\"/></Relationships>".utf8)),
                ("xl/worksheets/sheet1.xml", Data(sheetXML.utf8)),
            ], compression: compression)
    }
}

@Suite struct HostileArchiveTests {
    static func openError(_ path: String, bounds: ArchiveBounds = .standard) -> WorkbookError? {
        do {
            let handle = try InputHandle(path: path)
            _ = try WorkbookReader(handle: handle, sheet: nil, headerRow: nil, bounds: bounds)
            return nil
        } catch let error as WorkbookError {
            return error
        } catch {
            Issue.record("not a workbook error: \(error)")
            return nil
        }
    }

    @Test func aZipBombIsRefusedByItsRatioBeforeExpanding() throws {
        // 64 MiB of zeros deflate to about 64 KiB: a ratio of about 1000.
        let sheet = "<worksheet><sheetData>" + String(repeating: " ", count: 64 << 20) + "</sheetData></worksheet>"
        let path = try HostileArchive.workbook(sheet: sheet)
        let error = try #require(Self.openError(path))
        #expect(error.description.contains("(a zip bomb)"))
        #expect(error.description.contains("over the bound of 200"))
    }

    @Test func anEntryOverTheExpandedSizeBoundIsRefused() throws {
        var bounds = ArchiveBounds()
        bounds.maximumEntryBytes = 1000
        let path = try HostileArchive.workbook(sheet: "<worksheet><sheetData>" + String(repeating: "<row/>", count: 500) + "</sheetData></worksheet>")
        let error = try #require(Self.openError(path, bounds: bounds))
        #expect(error.description.contains("expands to 3046 bytes, over the bound of 1000"))
    }

    @Test func aSizeInTheHeadersThatLiesIsRefused() throws {
        let sheet = "<worksheet><sheetData>" + String(repeating: "<row><c><v>1</v></c></row>", count: 200) + "</sheetData></worksheet>"
        let path = try HostileArchive.workbook(sheet: sheet)
        // Make the sheet's headers (local and central) say it expands to 100 bytes.
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let name = Array("xl/worksheets/sheet1.xml".utf8)
        var patched = 0
        for index in 0..<(bytes.count - 46 - name.count) {
            let local = bytes[index..<index + 4] == [0x50, 0x4B, 0x03, 0x04] && Array(bytes[(index + 30)..<(index + 30 + name.count)]) == name
            let central = bytes[index..<index + 4] == [0x50, 0x4B, 0x01, 0x02] && Array(bytes[(index + 46)..<(index + 46 + name.count)]) == name
            guard local || central else { continue }
            let field = index + (local ? 22 : 24)
            bytes.replaceSubrange(field..<field + 4, with: [100, 0, 0, 0])
            patched += 1
        }
        #expect(patched == 2)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let error = try #require(Self.openError(path))
        #expect(error.description.contains("expands past the 100 bytes its header declares"))
    }

    @Test func aPathOutsideTheArchiveIsRefused() throws {
        let path = try HostileArchive.stored(count: 2) { $0 == 0 ? "[Content_Types].xml" : "../../etc/cron.d/x" }
        let error = try #require(Self.openError(path))
        #expect(error.description.contains("names a path outside the archive"))
    }

    @Test func thousandsOfEntriesAreRefused() throws {
        let path = try HostileArchive.stored(count: 5000) { "xl/media/image\($0).png" }
        let error = try #require(Self.openError(path))
        #expect(error.description.contains("holds more than 4096 entries"))
    }

    @Test func libreOfficesMillionTrailingEmptyRowsCostNothing() throws {
        // What LibreOffice writes below the data, repeated: no row is made of it.
        let content = """
            <office:document-content><office:body><office:spreadsheet><table:table table:name="S">
            <table:table-column table:number-columns-repeated="16384"/>
            <table:table-row><table:table-cell office:value-type="string"><text:p>Referral ID</text:p></table:table-cell><table:table-cell table:number-columns-repeated="16383"/></table:table-row>
            <table:table-row table:number-rows-repeated="1048553"><table:table-cell table:number-columns-repeated="16384"/></table:table-row>
            <table:table-row><table:table-cell office:value-type="string"><text:p>0747e25c-18a7-5133-a842-8fff1d14cc94</text:p></table:table-cell></table:table-row>
            </table:table></office:spreadsheet></office:body></office:document-content>
            """
        let path = try HostileArchive.make([("mimetype", Data("application/vnd.oasis.opendocument.spreadsheet".utf8)), ("content.xml", Data(content.utf8))])
        let reader = try WorkbookReader(handle: InputHandle(path: path), sheet: nil, headerRow: nil)
        #expect(reader.header.cells == ["Referral ID"])
        let row = try #require(try reader.next())
        #expect(row.line == 1_048_555)
        #expect(row.cells == ["0747e25c-18a7-5133-a842-8fff1d14cc94"])
        #expect(try reader.next() == nil)
    }
}
