import Foundation
import Testing

@testable import ReferralInput

/// `ReadAhead` parses on a thread of its own and hands over records as
/// bytes (`CSVReader.nextRaw`): what it yields must be what the reader's own
/// `next` yields, record for record, with every malformed row and the
/// error that ends a file in the same place, whatever the batch size.
@Suite struct ReadAheadTests {
    /// What a read produced, comparable: each result, then how it ended.
    private static func trace(_ next: () throws(CSVFileError) -> CSVReadResult?) -> [String] {
        var lines: [String] = []
        do {
            while let result = try next() {
                switch result {
                case .record(let record): lines.append("record \(record.line)-\(record.endLine) \(record.cells)")
                case .malformed(let line, let reason): lines.append("malformed \(line) \(reason)")
                }
            }
            lines.append("end")
        } catch {
            lines.append("error \(error)")
        }
        return lines
    }

    private static func reader(_ bytes: [UInt8], limit: Int) throws -> CSVReader {
        try CSVReader(
            source: DecodedSource(ByteSource(path: Fixtures.temporaryFile(bytes), chunkSize: 7)), maximumRecordBytes: limit)
    }

    static let inputs: [[UInt8]] = [
        Array("id,notes\n\n1,\"two\nlines\"\r\n\r\n2,x\n3,y".utf8),
        [0xEF, 0xBB, 0xBF] + Array("id, notes \r\n 1 ,\" a \"\r\n".utf8),
        Array("id,notes\n1,ok\n2,bad\"quote\n3,fine\n4,\"\"\n5,,\n".utf8),
        Array("id,notes\n1,ok\n2,\"never closed\nmore\n".utf8),
        Array("id,notes\n1,ok\n2,\"a\"b\"\n3,\"x\ny\"z\n4,last".utf8),
        Array("id,notes\n1,a\n2,b\n".utf8) + [0x33, 0x2C, 0xE9, 0x0A] + Array("4,d\n".utf8),
        Array(("id,notes\n1,ok\n2,\"" + String(repeating: "x", count: 300)).utf8),
        Array(("id,notes\n" + (1...40).map { "\($0),café \($0),\"q,\($0)\"\n" }.joined()).utf8),
    ]

    @Test(arguments: inputs.indices, [1, 2, 3, 256])
    func yieldsWhatTheReaderYields(input: Int, batchSize: Int) throws {
        let bytes = Self.inputs[input]
        let direct = try Self.reader(bytes, limit: 256)
        let expected = Self.trace(direct.next)
        let ahead = ReadAhead(.csv(try Self.reader(bytes, limit: 256)), batchSize: batchSize, depth: 2)
        #expect(Self.trace(ahead.next) == expected)
        #expect(ahead.header == direct.header)
        // Asked again after the end, it says the same.
        #expect(Self.trace(ahead.next).last == expected.last)
    }

    @Test func lettingGoEarlyStopsTheThread() throws {
        let text = "id,notes\n" + (1...5000).map { "\($0),note\n" }.joined()
        weak var source: DecodedSource?
        do {
            let decoded = try DecodedSource(ByteSource(path: Fixtures.temporaryFile(text)))
            source = decoded
            let ahead = ReadAhead(.csv(try CSVReader(source: decoded)), batchSize: 10, depth: 2)
            #expect(try ahead.next()?.record?.cells == ["1", "note"])
        }
        // The thread ends at its next batch and lets go of the reader (and the file).
        let deadline = Date().addingTimeInterval(30)
        while source != nil, Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        #expect(source == nil)
    }
}
