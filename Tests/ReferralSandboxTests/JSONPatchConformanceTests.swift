import Foundation
import ReferralModel
import Testing

@testable import ReferralSandbox

/// Every record of the vendored json-patch-tests against the applier.
@Suite struct JSONPatchConformanceTests {
    struct Record: CustomStringConvertible, Sendable {
        var file: String
        var index: Int
        var json: JSONValue
        var description: String { "\(file)#\(index) \(json["comment"]?.stringValue ?? "")" }
    }

    static let records: [Record] = ["tests.json", "spec_tests.json"].flatMap { file -> [Record] in
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/json-patch-tests/\(file)")
        guard let data = try? Data(contentsOf: url), let all = try? JSONParser.parse(data).arrayValue else { return [] }
        return all.enumerated().compactMap { index, json in
            guard json["patch"] != nil, json["disabled"] != .bool(true) else { return nil }
            return Record(file: file, index: index, json: json)
        }
    }

    @Test func theSuiteIsThere() {
        #expect(Self.records.count == 108)
    }

    @Test(arguments: records)
    func record(_ record: Record) throws {
        let patch = record.json["patch"]!
        let ops = patch.arrayValue?.compactMap { $0["op"]?.stringValue } ?? []
        let onlyAddReplace = ops.allSatisfy { $0 == "add" || $0 == "replace" } && ops.count == patch.arrayValue?.count
        let result: Result<JSONValue, any Error> = Result {
            try PatchApplier.apply(PatchOperation.document(from: patch), to: record.json["doc"]!)
        }
        if !onlyAddReplace {
            guard case .failure(let error) = result else {
                Issue.record("\(record): an unsupported op was applied")
                return
            }
            if let decode = error as? PatchOperation.DecodeError, case .unsupportedOperation = decode { return }
            // A record may fail earlier for another reason (e.g. a bad add before the unsupported op).
            #expect(ops.contains { $0 == "add" || $0 == "replace" }, "\(record): \(error)")
            return
        }
        if let expected = record.json["expected"] {
            #expect((try? result.get()) == expected, "\(record)")
        } else {
            #expect(throws: (any Error).self, "\(record)") { try result.get() }
        }
    }

    @Test func failedPatchChangesNothing() throws {
        let document: JSONValue = ["a": 1, "list": [1, 2]]
        let operations = [
            PatchOperation(.replace, JSONPointer(tokens: ["a"]), 2),
            PatchOperation(.add, JSONPointer(tokens: ["list", "5"]), 3),
        ]
        let failure = PatchApplier.Failure(index: 1, path: JSONPointer(tokens: ["list", "5"]), problem: .indexOutOfBounds(5))
        #expect(throws: failure) { try PatchApplier.apply(operations, to: document) }
        #expect(failure.description == "operation 1: index 5 is out of bounds at \"/list/5\"")
        #expect(document == ["a": 1, "list": [1, 2]])
    }
}
