import Foundation
import Testing

@testable import ReferralModel
@testable import ReferralPlan
@testable import ReferralSend

/// Every file of the hostile-input corpus (Fixtures/bad-input, written by
/// make-corpus.py) behaves exactly as expectations.json says: the exit code
/// `validate` gives, the documents that still go on, and every problem with
/// its line and column. None may crash the planner. The corpus's large
/// files are generated here instead (`generated`).
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

    /// A large hostile file, made in a temporary folder by the test (the
    /// same bytes every time) rather than committed: megabytes of `x`s and
    /// newlines say nothing a reader of the repository needs to see.
    struct Generated: Sendable, CustomStringConvertible {
        var file: String
        /// Valid documents expected; none of these files has a problem.
        var documents: Int
        var bytes: @Sendable () -> [UInt8]
        var description: String { file }
    }

    static let generated: [Generated] = {
        let a = "f3c95789-ace1-4954-ac5d-6baed2eac902", b = "cbf27734-ac10-4525-8b66-402800e03d2c"
        let columns = 0..<9999
        return [
            Generated(file: "10-one-megabyte-field.csv", documents: 2) {
                Array("id,notes\n\(a),\"\(String(repeating: "x", count: 1_048_576))\"\n\(b),after\n".utf8)
            },
            Generated(file: "11-ten-thousand-columns.csv", documents: 1) {
                let header = "id," + columns.map { "/details/custom\($0)" }.joined(separator: ",")
                return Array("\(header)\n\(a),\(columns.map(String.init).joined(separator: ","))\n".utf8)
            },
            Generated(file: "12-million-empty-lines.csv", documents: 2) {
                Array("id,dealValue\n\(a),1\n\(String(repeating: "\n", count: 1_000_000))\(b),2\n".utf8)
            },
        ]
    }()

    @Test func theCorpusHasAtLeastFortyFiles() {
        #expect(Self.cases.count + Self.generated.count >= 40)
    }

    /// What planning the file at `path` gives: `validate`'s exit status, the
    /// valid documents, every problem, and the reason the file is refused.
    static func plan(path: String) -> (exit: ReferralModel.ExitStatus, documents: Int, problems: [InputProblem], fileError: String?) {
        var exit: ReferralModel.ExitStatus = .success
        var documents = 0
        var problems: [InputProblem] = []
        do {
            let planner = try InputFile.planner(path: path)
            while let document = try planner.next() {
                if document.isValid { documents += 1 } else { exit = .someRowsNotApplied }
                problems += document.problems
            }
        } catch let error as InputFile.OpenError {
            return (.unusable, documents, problems, error.description)
        } catch {
            return (.unusable, documents, problems, "\(error)")
        }
        return (exit, documents, problems, nil)
    }

    @Test(arguments: generated)
    func generatedFileBehavesAsExpected(_ input: Generated) throws {
        let path = try Fixtures.temporaryFile(input.bytes(), name: input.file)
        defer { try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path) }
        let planned = Self.plan(path: path)
        #expect(planned.fileError == nil, "\(planned.fileError ?? "")")
        #expect(planned.problems.isEmpty, "\(planned.problems)")
        #expect(planned.documents == input.documents)
        #expect(planned.exit == .success)
    }

    @Test(arguments: cases)
    func fileBehavesAsExpected(_ testCase: Case) throws {
        let expected = testCase.json
        let (exit, documents, problems, fileError) = Self.plan(path: Fixtures.url("bad-input/\(testCase.file)").path)
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
