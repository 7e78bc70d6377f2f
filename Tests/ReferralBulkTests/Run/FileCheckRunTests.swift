import Foundation
import ReferralModel
import ReferralPlan
import ReferralReport
import ReferralRun
import SystemPackage
import Testing

/// `plan` and `validate` in process: what each writes where, and the status it ends with.
@Suite struct FileCheckRunTests {
    /// Three files a run writes to, read back after it.
    struct Captured {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("file-check-\(UUID().uuidString)")
        let documents: FileOutput
        let problems: FileOutput
        let warnings: FileOutput

        init() throws {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            documents = try Self.output(folder.appendingPathComponent("documents").path)
            problems = try Self.output(folder.appendingPathComponent("problems").path)
            warnings = try Self.output(folder.appendingPathComponent("warnings").path)
        }

        private static func output(_ path: String) throws -> FileOutput {
            let descriptor = try FileDescriptor.open(FilePath(path), .writeOnly, options: [.create, .truncate], permissions: .ownerReadWrite)
            return FileOutput(descriptor: descriptor, bufferSize: 1024, path: path)
        }

        func lines(_ name: String) throws -> [String] {
            [documents, problems, warnings].forEach { $0.flush() }
            let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
            return text.split(separator: "\n").map(String.init)
        }

        var plan: FileCheckRun.Outputs { .init(documents: documents, problems: problems, warnings: warnings) }
        var validate: FileCheckRun.Outputs { .init(documents: nil, problems: problems, warnings: warnings) }
    }

    static let mixed = """
        id,dealValue,notes
        11111111-1111-4111-8111-111111111111,1200,first
        22222222-2222-4222-8222-222222222222,twelve,second
        33333333-3333-4333-8333-333333333333,300,third

        """

    @Test func planWritesEachValidDocumentAndListsTheOthersWithTheSummary() throws {
        let file = try Fixtures.temporaryFile(Self.mixed)
        let captured = try Captured()
        let status = try FileCheckRun(file: file, reading: ReadingOptions(), outputs: captured.plan).run()
        #expect(status == .someRowsNotApplied)
        let documents = try captured.lines("documents")
        #expect(documents.count == 2)
        #expect(documents.first?.hasPrefix(#"{"id":"11111111-1111-4111-8111-111111111111","ifMatch":null,"lines":[2,2]"#) == true)
        #expect(documents.last?.contains("33333333-3333-4333-8333-333333333333") == true)
        let problems = try captured.lines("problems")
        #expect(problems.count == 2)
        #expect(problems.first?.contains("line 3") == true && problems.first?.contains("twelve") == true, "\(problems)")
        #expect(problems.last == "3 row(s), 3 document(s): 1 document(s) with 1 problem(s) will not be sent.")
    }

    @Test func validateWritesNoDocumentsAndEndsCleanWhenEveryRowIsUsable() throws {
        let file = try Fixtures.temporaryFile("id,notes\n11111111-1111-4111-8111-111111111111,fine\n")
        let captured = try Captured()
        let status = try FileCheckRun(file: file, reading: ReadingOptions(), outputs: captured.validate).run()
        #expect(status == .success)
        #expect(try captured.lines("documents").isEmpty)
        #expect(try captured.lines("problems") == ["1 row(s), 1 document(s): no problems."])
    }

    @Test func aFileThatCannotBeOpenedIsAFailureNamingIt() throws {
        let captured = try Captured()
        let missing = captured.folder.appendingPathComponent("missing.csv").path
        #expect {
            _ = try FileCheckRun(file: missing, reading: ReadingOptions(), outputs: captured.validate).run()
        } throws: { error in
            guard case .open = error as? FileCheckRun.Failure else { return false }
            return (error as? FileCheckRun.Failure)?.description.contains("missing.csv") == true
        }
        #expect(try captured.lines("problems").isEmpty)
    }

    @Test func theReadingOptionsReachThePlanner() throws {
        let file = try Fixtures.temporaryFile("id;dealValue\n11111111-1111-4111-8111-111111111111;1.234,50\n")
        let captured = try Captured()
        var reading = ReadingOptions()
        reading.delimiter = UInt8(ascii: ";")
        reading.decimalSeparator = .comma
        let status = try FileCheckRun(file: file, reading: reading, outputs: captured.plan).run()
        #expect(status == .success)
        #expect(try captured.lines("documents").first?.contains("1234.5") == true)
    }
}
