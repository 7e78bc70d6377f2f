import Foundation
import Testing
import ZIPFoundation

@testable import ReferralInput
@testable import ReferralPlan

/// What an input is, told by its content: each thing that is not a readable
/// workbook or CSV gets one sentence saying what it is.
@Suite struct WorkbookRecognitionTests {
    static func openError(_ path: String) -> String? {
        do {
            _ = try InputFile.planner(path: path)
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test func anOldBinaryXLSIsNamed() throws {
        let error = try #require(Self.openError(Fixtures.url("spreadsheets/workbook-en-US.xls").path))
        #expect(error == WorkbookError.legacyExcel.description)
        #expect(error.contains("Excel 97-2003 workbook (.xls)"))
    }

    @Test func anEncryptedWorkbookIsNamed() throws {
        // An OLE2 compound file whose directory names an EncryptedPackage stream (what Office writes for a password).
        var bytes: [UInt8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1] + [UInt8](repeating: 0, count: 1016)
        bytes += "EncryptedPackage".utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] } + [UInt8](repeating: 0, count: 512)
        let error = try #require(Self.openError(try Fixtures.temporaryFile(bytes, name: "locked.xlsx")))
        #expect(error.contains("encrypted with a password"))
    }

    @Test func anHTMLTableSavedAsXLSIsNamed() throws {
        let page = "\u{FEFF}<html xmlns:o=\"urn:schemas-microsoft-com:office:office\"><body><table><tr><td>id</td></tr></table></body></html>"
        let error = try #require(Self.openError(try Fixtures.temporaryFile(page, name: "export.xls")))
        #expect(error.contains("this is an HTML page"))
    }

    @Test func aDamagedArchiveIsNamed() throws {
        let whole = try Data(contentsOf: Fixtures.url("workbooks/openpyxl.xlsx"))
        let cut = Array(whole.prefix(whole.count / 2))  // the central directory is gone
        let error = try #require(Self.openError(try Fixtures.temporaryFile(cut, name: "cut.xlsx")))
        #expect(error.contains("the archive is damaged"))
    }

    @Test func aZipWithNoWorkbookIsNamed() throws {
        let path = try HostileArchive.make([("word/document.xml", Data("<w:document/>".utf8))])
        let error = try #require(Self.openError(path))
        #expect(error.contains("is a ZIP archive but holds no workbook (it holds word/document.xml)"))
    }

    @Test func aCSVThatStartsLikeNothingElseIsText() throws {
        let path = try Fixtures.temporaryFile("Referral ID,Deal Name\n0747e25c-18a7-5133-a842-8fff1d14cc94,x\n")
        #expect(try InputKind.of(InputHandle(path: path)) == .text)
    }
}
