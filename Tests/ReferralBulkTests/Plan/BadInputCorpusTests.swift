import Foundation
import Testing

@testable import ReferralModel
@testable import ReferralPlan
@testable import ReferralSend

/// Every file of the hostile-input corpus (Fixtures/bad-input, written by
/// make-corpus.py) behaves exactly as expectations.json says: the exit code
/// `validate` gives, the documents that still go on, and every problem with
/// its line and column. None may crash the planner.
@Suite struct BadInputCorpusTests {
    struct Case: Sendable, CustomStringConvertible {
        var file: String
        var json: JSONValue
        var description: String { file }
    }

    static let cases: [Case] = {
        let url = Fixtures.url("bad-input/expectations.json")
        guard let data = try? Data(contentsOf: url), let all = try? JSONParser.parse(data).arrayValue else { return [] }
        return all.map { Case(file: $0["file"]!.stringValue!, json: $0) }
    }()

    @Test func theCorpusHasAtLeastFortyFiles() {
        #expect(Self.cases.count >= 40)
    }

    @Test(arguments: cases)
    func fileBehavesAsExpected(_ testCase: Case) throws {
        let expected = testCase.json
        var exit: ReferralModel.ExitStatus = .success
        var documents = 0
        var problems: [InputProblem] = []
        var fileError: String?
        do {
            let planner = try InputFile.planner(path: Fixtures.url("bad-input/\(testCase.file)").path)
            while let document = try planner.next() {
                if document.isValid { documents += 1 } else { exit = .someRowsNotApplied }
                problems += document.problems
            }
        } catch let error as InputFile.OpenError {
            exit = .unusable
            fileError = error.description
        } catch {
            exit = .unusable
            fileError = "\(error)"
        }
        #expect(Int(exit.rawValue) == expected["exit"].flatMap { if case .number(let n) = $0 { Int(truncating: n as NSNumber) } else { nil } })
        if let wanted = expected["fileError"]?.stringValue {
            #expect(fileError?.contains(wanted) == true, "\(fileError ?? "no error")")
            return
        }
        #expect(fileError == nil, "\(fileError ?? "")")
        #expect(.number(Decimal(documents)) == expected["documents"])
        let wanted = expected["problems"]?.arrayValue ?? []
        #expect(problems.count == wanted.count, "\(problems)")
        for (problem, want) in zip(problems, wanted) {
            let parts = want.arrayValue ?? []
            #expect(.number(Decimal(problem.line)) == parts[0], "\(problem)")
            #expect(problem.column.map(JSONValue.string) ?? .null == parts[1], "\(problem)")
            #expect(problem.description.contains(parts[2].stringValue ?? "\u{0}"), "\(problem)")
        }
    }
}
