import Foundation

@testable import ReferralInput
@testable import ReferralPlan

/// Locates test fixtures beside the sources, and builds readers over text.
enum Fixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static func url(_ relativePath: String) -> URL { root.appendingPathComponent(relativePath) }

    /// Writes `bytes` to a fresh temporary file and returns its path.
    static func temporaryFile(_ bytes: [UInt8], name: String = "input.csv") throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("referral-bulk-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let file = folder.appendingPathComponent(name)
        try Data(bytes).write(to: file)
        return file.path
    }

    static func temporaryFile(_ text: String, name: String = "input.csv") throws -> String {
        try temporaryFile(Array(text.utf8), name: name)
    }

    /// Reads every result of a CSV text, header first, with a small chunk size so chunk edges are exercised.
    static func readAll(_ bytes: [UInt8], delimiter: UInt8? = nil, chunkSize: Int = 7) throws -> (CSVRecord, [CSVReadResult]) {
        let reader = try CSVReader(
            source: DecodedSource(ByteSource(path: temporaryFile(bytes), chunkSize: chunkSize)), delimiter: delimiter)
        var results: [CSVReadResult] = []
        while let result = try reader.next() { results.append(result) }
        return (reader.header, results)
    }

    static func readAll(_ text: String, delimiter: UInt8? = nil, chunkSize: Int = 7) throws -> (CSVRecord, [CSVReadResult]) {
        try readAll(Array(text.utf8), delimiter: delimiter, chunkSize: chunkSize)
    }
}

extension CSVReadResult {
    var record: CSVRecord? {
        if case .record(let record) = self { return record }
        return nil
    }
}
