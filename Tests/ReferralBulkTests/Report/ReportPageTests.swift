import Foundation
import ReferralOutcome
import Testing

@testable import ReferralModel
@testable import ReferralInput
@testable import ReferralPlan
@testable import ReferralSend
@testable import ReferralReport

@Suite struct ReportPageTests {
    static let hostile = "<script>alert(1)</script>\"><img src=x onerror=alert(1)>"

    func document(_ id: String, line: Int, notes: String) -> PatchDocument {
        PatchDocument(
            referralID: id, lines: line...line, ifMatch: nil,
            operations: [PatchOperation(.replace, JSONPointer(tokens: ["details", "notes"]), .string(notes))], sourceRows: [[id, notes]],
            sequence: line)
    }

    func page(dryRun: Bool, _ outcomes: [Outcome]) throws -> (html: String, folder: String) {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("report-\(UUID().uuidString)").path
        let writer = try ReportWriter(
            folder: try ReportFolder.create(at: path), inputHeader: ["id", "notes"], format: InputFormat(delimiter: UInt8(ascii: ",")),
            dryRun: dryRun)
        for outcome in outcomes { try writer.record(outcome) }
        _ = try writer.finish(exitStatus: .someRowsNotApplied, abortReason: nil)
        return (try String(contentsOfFile: path + "/report.html", encoding: .utf8), path)
    }

    @Test func hostileValuesFromTheInputAndTheServerAreEscapedEverywhere() throws {
        var updated = Outcome(document: document("r-1", line: 2, notes: Self.hostile), kind: .updated, httpStatus: 204)
        updated.latency = .milliseconds(40)
        updated.throttled = 2
        let failed = Outcome(document: document(Self.hostile, line: 3, notes: "x"), kind: .failed, httpStatus: 500, message: Self.hostile)
        let (html, _) = try page(dryRun: false, [updated, failed])
        #expect(!html.contains("<script"))
        #expect(!html.contains("<img"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"))
        #expect(html.contains("<svg"))  // the charts are there, inline
        #expect(html.contains("<p>retry.csv holds these rows"))  // a CSV input's retry file
        // Nothing to fetch: no source, link or stylesheet reference.
        #expect(!html.contains(" src=\"") && !html.contains("href=") && !html.contains("@import") && !html.contains("url("))
    }

    @Test func aDryRunPageListsBeforeAndAfterAndMarksWhatCannotBeUndone() throws {
        let referral: JSONValue = ["id": "r-9", "status": "New", "substatus": "Pending", "details": ["notes": .string(Self.hostile)]]
        let document = PatchDocument(
            referralID: "r-9", lines: 4...4, ifMatch: nil,
            operations: [PatchOperation(.replace, .status, "Closed"), PatchOperation(.replace, JSONPointer(tokens: ["substatus"]), "Won")],
            sourceRows: [["r-9", "Closed"]], sequence: 1)
        let outcome = DryRun.outcome(document, referral: referral, eTag: "e1")
        #expect(outcome.kind == .wouldUpdate)
        let (html, folder) = try page(dryRun: true, [outcome])
        #expect(html.contains("<tr class=\"irreversible\"><td>r-9</td><td>4</td><td>/status</td><td>New</td><td>Closed (cannot be undone)</td><td>update</td></tr>"))
        #expect(html.contains("A dry run"))
        #expect(html.contains("A real run could not undo these: 1 referral(s) closed."))
        #expect(!FileManager.default.fileExists(atPath: folder + "/undo.csv"))
        let changes = try String(contentsOfFile: folder + "/changes.csv", encoding: .utf8)
        #expect(changes.hasPrefix("referral_id,lines,path,before,after,outcome,message\r\nr-9,4,/status,New,Closed,update,dry run: not sent\r\n"))
    }

    @Test func aStaleETagInTheFileIsAConflictInADryRun() {
        let referral: JSONValue = ["id": "r-1", "status": "New", "details": ["notes": "old"]]
        var document = document("r-1", line: 2, notes: "new")
        document.ifMatch = "\"old-etag\""
        #expect(DryRun.outcome(document, referral: referral, eTag: "W/\"old-etag\"").kind == .wouldUpdate)
        let stale = DryRun.outcome(document, referral: referral, eTag: "\"new-etag\"")
        #expect(stale.kind == .conflict)
        #expect(ChangeRow.rows(for: stale).map(\.outcome) == ["conflict"])
        // Already as asked: the real run sends nothing, so the eTag does not matter.
        document.operations = [PatchOperation(.replace, JSONPointer(tokens: ["details", "notes"]), "old")]
        #expect(DryRun.outcome(document, referral: referral, eTag: "\"new-etag\"").kind == .unchanged)
    }

    @Test func theTimelineCountsEachSecondAndSumsSlotsForTheChart() {
        var timeline = RunTimeline()
        var outcome = Outcome(document: document("r", line: 1, notes: "n"), kind: .failed)
        outcome.throttled = 3
        timeline.record(outcome, second: 0)
        timeline.record(outcome, second: 3)
        timeline.record(Outcome(document: document("r", line: 2, notes: "n"), kind: .updated), second: 3)
        #expect(timeline.seconds.map(\.documents) == [1, 0, 0, 2])
        #expect(String(decoding: timeline.csv(), as: UTF8.self).split(separator: "\r\n").last == "3,2,2,0,3,1")
        let (width, slots) = timeline.slots(maximum: 2)
        #expect(width == 2)
        #expect(slots.map(\.throttled) == [3, 3])
    }

    @Test func latencyBarsCoverEveryRecordedDocument() {
        var histogram = LatencyHistogram()
        for ms in [1, 2, 2, 50, 900, 4000] { histogram.record(.milliseconds(ms)) }
        let bars = histogram.bars(maximum: 10)
        #expect(bars.count <= 10)
        #expect(bars.map(\.count).reduce(0, +) == 6)
        #expect(bars.last!.upToMs >= 4000)
        #expect(bars.first!.upToMs < 4000)
        #expect(bars.last!.count == 1)
    }
}
