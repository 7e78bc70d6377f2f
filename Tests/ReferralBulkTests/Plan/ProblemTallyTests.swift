import Testing
@testable import ReferralModel
@testable import ReferralPlan

@Suite struct ProblemTallyTests {
    static let text = """
        Referral ID,Deal Value
        f3c95789-ace1-4954-ac5d-6baed2eac902,100
        cbf27734-ac10-4525-8b66-402800e03d2c,-5
        ab cd,x
        e0a3a91f-2346-4c13-bc27-ed12b10877a9,7

        """

    @Test func aCleanFileSaysNoProblemsAndExitsZero() throws {
        let planner = try InputFile.planner(path: Fixtures.temporaryFile("Referral ID,Deal Value\nf3c95789-ace1-4954-ac5d-6baed2eac902,100\n"))
        var tally = ProblemTally()
        var lines: [String] = []
        while let document = try planner.next() { lines += tally.add(document) }
        #expect(lines.isEmpty)
        #expect(tally.summary(rows: planner.rowsRead) == "1 row(s), 1 document(s): no problems.")
        #expect(tally.exitStatus == .success)
    }

    @Test func invalidDocumentsGiveTheirProblemLinesTheCountsAndExitOne() throws {
        let planner = try InputFile.planner(path: Fixtures.temporaryFile(Self.text))
        var tally = ProblemTally()
        var lines: [String] = []
        var problems: [InputProblem] = []
        while let document = try planner.next() {
            lines += tally.add(document)
            problems += document.problems
        }
        #expect(lines == problems.map(\.description))
        #expect(lines.count == tally.problems)
        #expect(tally.documents == 4)
        #expect(tally.invalidDocuments == 2)
        #expect(tally.problems >= 2)
        #expect(tally.summary(rows: 4) == "4 row(s), 4 document(s): 2 document(s) with \(tally.problems) problem(s) will not be sent.")
        #expect(tally.exitStatus == .someRowsNotApplied)
    }

    @Test func aValidDocumentAddsNoLine() {
        let document = PatchDocument(
            referralID: "x", lines: 2...2, ifMatch: nil,
            operations: [PatchOperation(.replace, .status, "Closed")], sourceRows: [], sequence: 0)
        var tally = ProblemTally()
        #expect(tally.add(document).isEmpty)
        #expect(tally.documents == 1 && tally.invalidDocuments == 0 && tally.problems == 0)
    }

    @Test func anEmptyFileHasNoProblems() {
        let tally = ProblemTally()
        #expect(tally.summary(rows: 0) == "0 row(s), 0 document(s): no problems.")
        #expect(tally.exitStatus == .success)
    }
}
