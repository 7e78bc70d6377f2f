import Foundation
import ReferralOutcome
import Testing

@testable import ReferralInput
@testable import ReferralModel
@testable import ReferralPlan
@testable import ReferralReport
@testable import ReferralSend

/// A workbook input's report gives back `retry.xlsx`: the input's header,
/// the rows not applied with their cells as typed, and `Errors`.
@Suite struct RetryWorkbookTests {
    @Test func theRefusedRowsOfAWorkbookComeBackTypedInRetryXLSX() throws {
        let input = Fixtures.url("workbooks/openpyxl.xlsx").path
        let options = ReadingOptions()
        let planner = try InputFile.planner(path: input, options: options)
        #expect(planner.format.workbookSheet == "Deals")
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("report-\(UUID().uuidString)").path
        let folder = try ReportFolder.create(at: path)
        let writer = try ReportWriter(folder: folder, inputHeader: planner.header, format: planner.format)
        while let document = try planner.next() {
            // The first three fail, the others are applied.
            let failed = document.sequence < 3
            try writer.record(Outcome(document: document, kind: failed ? .failed : .updated, message: failed ? "a problem" : ""))
        }
        _ = try writer.finish(exitStatus: .someRowsNotApplied, abortReason: nil)
        #expect(!FileManager.default.fileExists(atPath: path + "/retry.csv"))
        // report.html names the file written, not retry.csv.
        let page = try String(contentsOfFile: path + "/report.html", encoding: .utf8)
        #expect(page.contains("<p>retry.xlsx holds these rows as the input had them"))
        #expect(!page.contains("retry.csv"))

        // Read back by the tool: the same sheet name, so the same --sheet reads it.
        let reader = try WorkbookReader(handle: InputHandle(path: path + "/retry.xlsx"), sheet: "Deals", headerRow: nil)
        #expect(reader.header.cells == planner.header + ["Errors"])
        var rows: [CSVRecord] = []
        while let row = try reader.next() { rows.append(row) }
        #expect(rows.map { $0.cells.first } == [
            "0747e25c-18a7-5133-a842-8fff1d14cc94", "5b79db10-7e74-58fb-9156-a3fbd5f77f71", "f9f49038-dd94-557b-bb39-2e7833c788b4",
        ])
        #expect(rows.allSatisfy { $0.cells.last == "a problem" })
        // Planned again, the retry file asks what the input asked.
        let again = try InputFile.planner(path: path + "/retry.xlsx", options: ReadingOptions(ignoreUnknownColumns: true, sheet: "Deals"))
        var asked: [[PatchOperation]] = []
        while let document = try again.next() { asked.append(document.operations) }
        var original: [[PatchOperation]] = []
        let first = try InputFile.planner(path: input, options: options)
        while let document = try first.next(), original.count < 3 { original.append(document.operations) }
        #expect(asked == original)

        // Opened by openpyxl: the types the input had (a number stays a number, the error's text is text now).
        let script = """
            import json, sys, openpyxl
            ws = openpyxl.load_workbook(sys.argv[1]).active
            print(json.dumps([[ws.title], [type(c.value).__name__ for c in ws[2]]]))
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, path + "/retry.xlsx"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let json = try JSONParser.parse(String(decoding: output, as: UTF8.self))
        let parts = try #require(json.arrayValue)
        #expect(parts.first == ["Deals"])
        // Row 2 of the input: text, text, a number, text, a date, text; then the Errors message.
        #expect(parts.last == ["str", "str", "float", "str", "datetime", "str", "str"])
    }
}
