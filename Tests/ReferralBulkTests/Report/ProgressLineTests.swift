import ReferralOutcome
import Testing

@testable import ReferralInput
@testable import ReferralPlan
@testable import ReferralSend
@testable import ReferralReport

@Suite struct ProgressLineTests {
    let start = ContinuousClock.now

    func snapshot(rows: Int, total: Int?) -> RunProgress.Snapshot {
        var snapshot = RunProgress.Snapshot(estimatedTotalRows: total, started: start)
        snapshot.rows = rows
        snapshot.documents = rows
        snapshot.counts = [.updated: rows - 2, .failed: 2]
        return snapshot
    }

    @Test func barShowsDoneTotalRateEtaAndCounts() {
        let line = ProgressLine.bar(snapshot(rows: 100, total: 400), now: start + .seconds(10), width: 8)
        #expect(line == "[##......] 100/400 rows  ETA 30s  10 rows/s  updated 98 · failed 2")
    }

    @Test func withoutATotalThereIsNoBarNorEta() {
        let line = ProgressLine.bar(snapshot(rows: 100, total: nil), now: start + .seconds(4))
        #expect(line == "100 rows  25 rows/s  updated 98 · failed 2")
    }

    @Test func showsThePaceHeldAndTheCallsThrottled() {
        var paced = snapshot(rows: 100, total: nil)
        paced.pace = 97.4
        paced.throttled = 3
        #expect(ProgressLine.bar(paced, now: start + .seconds(4)) == "100 rows  25 rows/s  pacing 97/s, 3 throttled  updated 98 · failed 2")
        paced.pace = 0.5
        #expect(ProgressLine.bar(paced, now: start + .seconds(4)).contains("pacing 0.5/s, 3 throttled"))
    }

    @Test func logLineHasNoBar() {
        let line = ProgressLine.log(snapshot(rows: 120, total: 7200), now: start + .seconds(60))
        #expect(line == "progress: 120/7200 rows  ETA 59m00s  2 rows/s  updated 118 · failed 2")
    }
}

@Suite struct RowEstimateTests {
    @Test func countsDataLinesOfARegularFile() throws {
        #expect(RowEstimate.rows(inFile: try Fixtures.temporaryFile("id\n1\n2\n3")) == 3)
        #expect(RowEstimate.rows(inFile: try Fixtures.temporaryFile("id\r\n1\r\n2\r\n")) == 2)
        #expect(RowEstimate.rows(inFile: "-") == nil)
        #expect(RowEstimate.rows(inFile: "/nonexistent") == nil)
    }
}

@Suite struct ProgressFailureTests {
    @Test func theLatestFailureReasonIsShown() {
        let progress = RunProgress(estimatedTotalRows: nil)
        let document = PatchDocument(referralID: "r1", lines: 2...2, ifMatch: nil, operations: [], sourceRows: [["r1"]], sequence: 0)
        progress.record(Outcome(document: document, kind: .failed, message: "no answer (connection refused) after 6 attempts"))
        progress.record(Outcome(document: document, kind: .updated))
        let line = ProgressLine.log(progress.snapshot, now: .now)
        #expect(line.hasSuffix("last failure: no answer (connection refused) after 6 attempts"))
    }
}

@Suite struct FittedProgressLineTests {
    @Test func aLineNeverOutgrowsItsTerminal() {
        let line = "[########................] 1200/3000 rows  ETA 12s  97 rows/s  pacing 97/s, 3 throttled  updated 1100 · unchanged 100"
        #expect(ProgressLine.fitted(line, columns: 200) == line)
        let narrow = ProgressLine.fitted(line, columns: 80)
        #expect(narrow.count <= 79)
        #expect(narrow.hasPrefix("1200/3000 rows"))  // the bar goes first
        let tiny = ProgressLine.fitted(line, columns: 20)
        #expect(tiny.count == 19)
        #expect(tiny.hasSuffix("…"))
    }
}
