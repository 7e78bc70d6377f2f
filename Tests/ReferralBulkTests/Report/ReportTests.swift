import Foundation
import Glibc
import ReferralOutcome
import Testing

@testable import ReferralModel
@testable import ReferralInput
@testable import ReferralPlan
@testable import ReferralSend
@testable import ReferralReport

@Suite struct CSVWriterTests {
    @Test func formulaCellsAreNeutralisedButPlainNumbersAreNot() {
        for cell in ["=HYPERLINK(\"http://x\")", "+1", "@SUM(A1)", "-", "-x", "\tx", "\rx", "+3", "-12.5e3"] {
            #expect(CSVWriter.neutralised(cell) == "'" + cell, "\(cell)")
            #expect(CSVWriter.restored(CSVWriter.neutralised(cell)) == cell)
        }
        for cell in ["-12.5", "-7", "12", "plain", "", "'quoted"] {
            #expect(CSVWriter.neutralised(cell) == cell, "\(cell)")
        }
        #expect(CSVWriter.restored("'quoted") == "'quoted")
    }

    @Test func rowsQuoteWhatNeedsQuotingAndReadBackExactly() throws {
        let cells = ["plain", "with,comma", "with \"quotes\"", "two\nlines", "semi;colon", "=1+1", ""]
        let bytes = Array("a,b,c,d,e,f,g\r\n".utf8) + CSVWriter().row(cells)
        let (_, results) = try Fixtures.readAll(bytes)
        #expect(results.first?.record?.cells == ["plain", "with,comma", "with \"quotes\"", "two\nlines", "semi;colon", "'=1+1", ""])
        #expect(String(decoding: CSVWriter(delimiter: UInt8(ascii: ";")).row(["a;b", "c,d"]), as: UTF8.self) == "\"a;b\";c,d\r\n")
    }
}

@Suite struct ReportWriterTests {
    func folder() throws -> ReportFolder {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("report-\(UUID().uuidString)").path
        return try ReportFolder.create(at: path)
    }

    func document(_ id: String, line: Int, cells: [String]) -> PatchDocument {
        PatchDocument(
            referralID: id, lines: line...line, ifMatch: nil,
            operations: [PatchOperation(.replace, JSONPointer(tokens: ["details", "notes"]), "new")], sourceRows: [cells],
            sequence: line)
    }

    @Test func aRetryRowStaysInTheInputsEncodingWhenItsMessageHasACharacterTheEncodingLacks() throws {
        let folder = try folder()
        let writer = try ReportWriter(
            folder: folder, inputHeader: ["id", "notes"], format: InputFormat(delimiter: UInt8(ascii: ","), encoding: .isoLatin1))
        try writer.record(Outcome(document: document("r1", line: 2, cells: ["r1", "café"]), kind: .failed, message: "cut…"))
        _ = try writer.finish(exitStatus: .someRowsNotApplied, abortReason: nil)
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: folder.path + "/retry.csv")))
        #expect(bytes.contains(0xE9))  // é as ISO-8859-1 ...
        #expect(!bytes.contains(0xC3))  // ... not as UTF-8
        #expect(bytes.contains(UInt8(ascii: "?")))  // the ellipsis it has no byte for
    }

    func read(_ folder: ReportFolder, _ name: String) throws -> [[String]] {
        let reader = try CSVReader(source: DecodedSource(ByteSource(path: folder.path + "/" + name)))
        var rows = [reader.header.cells]
        while let result = try reader.next() { if case .record(let record) = result { rows.append(record.cells) } }
        return rows
    }

    @Test func eachFileHoldsWhatItPromises() throws {
        let folder = try folder()
        let writer = try ReportWriter(folder: folder, inputHeader: ["id", "notes"], format: InputFormat(delimiter: UInt8(ascii: ",")))
        var updated = Outcome(document: document("r1", line: 2, cells: ["r1", "new"]), kind: .updated, httpStatus: 204, attempts: 2)
        updated.before = [
            Outcome.BeforeValue(path: JSONPointer(tokens: ["details", "notes"]), value: "123"),
            Outcome.BeforeValue(path: JSONPointer(tokens: ["details", "dealValue"]), value: 5),
            Outcome.BeforeValue(path: JSONPointer(tokens: ["team", "-"]), value: nil),
        ]
        updated.latency = .milliseconds(20)
        updated.requestID = "ours-1"
        updated.serverRequestID = "9f8bed52-e4df-4d0c-9ca6-929a187b0731"
        try writer.record(updated)
        var failed = Outcome(document: document("r2", line: 3, cells: ["r2", "-discount"]), kind: .failed, httpStatus: 503, message: "503 after 6 attempts")
        failed.throttled = 2
        try writer.record(failed)
        try writer.record(Outcome(document: document("r3", line: 4, cells: ["r3", "x"]), kind: .unchanged))
        let summary = try writer.finish(
            exitStatus: .someRowsNotApplied, abortReason: nil, pacing: RunSummary.Pacing(limitFound: 97.5, finalPace: 99, inFlightLimit: 4))

        let results = try read(folder, "results.csv")
        #expect(results.count == 4)
        #expect(results[0].last == "server_request_id")
        #expect(results[1] == ["2", "r1", "updated", "204", "2", "", "ours-1", "", "0", "9f8bed52-e4df-4d0c-9ca6-929a187b0731"])
        #expect(results[2][2] == "failed")
        let retry = try read(folder, "retry.csv")
        #expect(retry == [["id", "notes", "Errors"], ["r2", "'-discount", "503 after 6 attempts"]])
        let undo = try read(folder, "undo.csv")
        // "123" must stay text when the undo file is planned (it would read as a number).
        #expect(undo == [["id", "op", "path", "value"], ["r1", "replace", "/details/notes", "\"123\""], ["r1", "replace", "/details/dealValue", "5"]])
        #expect(try read(folder, "undo-warnings.csv").count == 2)
        #expect(summary.undoWarnings == 1)
        let json = try JSONParser.parse(Data(contentsOf: URL(fileURLWithPath: folder.path + "/summary.json")))
        #expect(json["outcomes"]?["updated"] == 1)
        #expect(json["outcomes"]?["skipped"] == 0)
        #expect(json["documents"] == 3)
        #expect(json["exitCode"] == 1)
        #expect(json["throttled429"] == 2)
        #expect(json["pacing"]?["limitFoundPerSecond"] == .number(97.5))
        #expect(json["pacing"]?["finalPacePerSecond"] == 99)
        #expect(json["pacing"]?["inFlightLimit"] == 4)
        #expect(json["pacing"]?["maxRps"] == .null)
    }

    @Test func theUndoAndRetryFilesPlanBackToTheOriginalValues() throws {
        let folder = try folder()
        let writer = try ReportWriter(folder: folder, inputHeader: ["id", "notes"], format: InputFormat(delimiter: UInt8(ascii: ",")))
        var updated = Outcome(document: document("r1", line: 2, cells: ["r1", "n"]), kind: .updated)
        updated.before = [Outcome.BeforeValue(path: JSONPointer(tokens: ["details", "notes"]), value: "true")]
        try writer.record(updated)
        try writer.record(Outcome(document: document("r2", line: 3, cells: ["r2", "=not a formula"]), kind: .failed, message: "x"))
        _ = try writer.finish(exitStatus: .someRowsNotApplied, abortReason: nil)
        let undo = try InputFile.planner(path: folder.path + "/undo.csv").next()
        #expect(undo?.operations == [PatchOperation(.replace, JSONPointer(tokens: ["details", "notes"]), "true")])
        let retry = try InputFile.planner(path: folder.path + "/retry.csv").next()
        #expect(retry?.operations.first?.value == "=not a formula")
    }

    @Test func foldersArePrivateAndOnlyOursAreReused() throws {
        let previous = umask(0)
        defer { umask(previous) }
        let folder = try folder()
        let writer = try ReportWriter(folder: folder, inputHeader: ["id"], format: InputFormat(delimiter: UInt8(ascii: ",")))
        _ = try writer.finish(exitStatus: .success, abortReason: nil)
        #expect((try FileManager.default.attributesOfItem(atPath: folder.path)[.posixPermissions] as? Int) == 0o700)
        for name in ["results.csv", "retry.csv", "undo.csv", "undo-warnings.csv", "summary.json"] {
            #expect((try FileManager.default.attributesOfItem(atPath: folder.path + "/" + name)[.posixPermissions] as? Int) == 0o600)
        }
        // Our own folder (it holds the marker) is refreshed by a resumed run; any other is refused.
        #expect(throws: Never.self) { try ReportFolder.create(at: folder.path) }
        let stranger = FileManager.default.temporaryDirectory.appendingPathComponent("not-a-report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: stranger, withIntermediateDirectories: true)
        #expect(throws: ReportFolder.Refusal.notAReportFolder(path: stranger.path)) { try ReportFolder.create(at: stranger.path) }
        #expect(throws: ReportFolder.Refusal.notAReportFolder(path: folder.path + "/results.csv")) {
            try ReportFolder.create(at: folder.path + "/results.csv")
        }
        #expect(throws: ReportFolder.Refusal.cannotCreateFolder(path: folder.path + "/results.csv/inner", errno: ENOTDIR)) {
            try ReportFolder.create(at: folder.path + "/results.csv/inner")
        }
        #expect(
            ReportFolder.Refusal.cannotCreateFolder(path: "/r", errno: EACCES).description
                == "cannot create the report folder /r: Permission denied.")
    }

    @Test func percentilesAreWithinTheHistogramsPrecision() {
        var histogram = LatencyHistogram()
        for milliseconds in 1...100 { histogram.record(.milliseconds(milliseconds)) }
        let p50 = histogram.percentile(0.5)!, p99 = histogram.percentile(0.99)!
        #expect(abs(p50 - 50) / 50 < 0.03)
        #expect(abs(p99 - 99) / 99 < 0.03)
        #expect(LatencyHistogram().percentile(0.5) == nil)
    }
}
