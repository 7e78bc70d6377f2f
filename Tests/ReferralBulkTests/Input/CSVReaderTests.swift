import Testing

@testable import ReferralInput
import ReferralModel
@testable import ReferralPlan

@Suite struct CSVReaderTests {
    @Test func recordsKnowTheirPhysicalLines() throws {
        let text = "id,notes\n\n1,\"two\nlines\"\r\n\r\n2,x\n3,y"
        let (header, results) = try Fixtures.readAll(text)
        #expect(header.line == 1)
        let records = results.compactMap(\.record)
        #expect(records.map(\.line) == [3, 6, 7])
        #expect(records.map(\.endLine) == [4, 6, 7])
        #expect(records[0].cells == ["1", "two\nlines"])
    }

    @Test func stripsByteOrderMarkAndKeepsSpaces() throws {
        let (header, results) = try Fixtures.readAll([0xEF, 0xBB, 0xBF] + Array("id, notes \r\n 1 ,\" a \"\r\n".utf8))
        #expect(header.cells == ["id", " notes "])
        #expect(results.first?.record?.cells == [" 1 ", " a "])
    }

    @Test func detectsDelimiterFromTheHeader() throws {
        #expect(try Fixtures.readAll("id;notes\n1;a,b\n").0.cells == ["id", "notes"])
        #expect(try Fixtures.readAll("id\tnotes\n1\ta;b\n").1.first?.record?.cells == ["1", "a;b"])
        #expect(try Fixtures.readAll("\"a;b\",c\n").0.cells == ["a;b", "c"])
        #expect(try Fixtures.readAll("id;notes\n1;x\n", delimiter: UInt8(ascii: ",")).0.cells == ["id;notes"])
    }

    @Test func leadingBlankLinesAreSkippedAndCounted() throws {
        let (header, results) = try Fixtures.readAll("\n\r\n\nid\n7\n")
        #expect(header.line == 4)
        #expect(results.first?.record?.line == 5)
    }

    @Test func strayQuoteIsReportedAndReadingGoesOn() throws {
        let (_, results) = try Fixtures.readAll("id,notes\n1,ok\n2,bad\"quote\n3,fine\n")
        #expect(results.count == 3)
        guard case .malformed(let line, _) = results[1] else { Issue.record("expected malformed"); return }
        #expect(line == 3)
        #expect(results[2].record?.cells == ["3", "fine"])
        #expect(results[2].record?.line == 4)
    }

    @Test func unterminatedQuoteAtEndIsReportedWithItsStartLine() throws {
        let (_, results) = try Fixtures.readAll("id,notes\n1,ok\n2,\"never closed\nmore\n")
        #expect(results.count == 2)
        guard case .malformed(let line, let reason) = results[1] else { Issue.record("expected malformed"); return }
        #expect(line == 3)
        #expect(reason.contains("never closed"))
    }

    @Test func invalidUTF8AnywhereRefusesTheFileNamingTheLine() throws {
        let bytes = Array("id,notes\n1,ok\n2,caf".utf8) + [0xE9] + Array("\n3,ok\n".utf8)
        #expect(throws: CSVFileError.notInEncoding(encoding: .utf8, line: 3)) { try Fixtures.readAll(bytes) }
    }

    /// The check skips ASCII eight bytes at a time: a bad byte after long
    /// ASCII runs, and good multi-byte characters at every offset and across
    /// every chunk boundary, must still be found (or read) exactly.
    @Test(arguments: [7, 64, 4096])
    func invalidUTF8AfterLongASCIIRunsNamesItsLine(chunkSize: Int) throws {
        var text = "id,notes\n"
        for row in 1...40 { text += "\(row),\(String(repeating: "x", count: row % 17))é\(String(repeating: "y", count: row % 9))€𝄞\n" }
        let (_, results) = try Fixtures.readAll(text, chunkSize: chunkSize)
        #expect(results.count == 40)
        #expect(results[39].record?.cells[1] == "\(String(repeating: "x", count: 40 % 17))é\(String(repeating: "y", count: 40 % 9))€𝄞")
        for badLine in [2, 23, 41] {
            var bytes = Array(text.utf8)
            let lineStarts = [0] + bytes.indices.filter { bytes[$0] == 0x0A }.map { $0 + 1 }
            bytes[lineStarts[badLine - 1] + 1] = 0xFF
            #expect(throws: CSVFileError.notInEncoding(encoding: .utf8, line: badLine)) {
                try Fixtures.readAll(bytes, chunkSize: chunkSize)
            }
        }
    }

    @Test func plainLinesSplitWithoutLibcsvAndTheRestAreLeftToIt() {
        func split(_ line: String, decoding: [Bool] = [true, true, true, true, true]) -> [String]? {
            Array(line.utf8).withUnsafeBytes { bytes in
                switch PlainLine.split(bytes, delimiter: UInt8(ascii: ","), decoding: decoding) {
                case .cells(let cells)?: cells
                case .blank?: []
                case nil: nil
                }
            }
        }
        #expect(split("a,\"b\"\"c, d\",,\"\"\r\n") == ["a", "b\"c, d", "", ""])
        #expect(split(" x ,y,\n", decoding: [false, true]) == ["", "y", ""])
        #expect(split("\r\n") == [])
        #expect(Array("a\rb\r\n".utf8).withUnsafeBytes { PlainLine.split($0, delimiter: 0x0D, decoding: [true]) } == nil)
        for leftToLibcsv in ["a\"b\n", "\"a\"b\n", "\"open\n", "a\rb\n", " \"a\"\n", "a,b", "a\r\r\n"] {
            #expect(split(leftToLibcsv) == nil, "\(leftToLibcsv.debugDescription)")
        }
    }

    /// The planner's pass keeps every cell's bytes; a line left to libcsv
    /// halfway through leaves none of its cells behind.
    @Test func plainLinesAppendTheirCellsAsBytesOrNothing() {
        var records = RawRecords()
        func append(_ line: String, at number: Int) -> Bool {
            Array(line.utf8).withUnsafeBytes { PlainLine.append($0, delimiter: UInt8(ascii: ","), to: &records, line: number) }
        }
        #expect(append("a,\"b\"\"c\",\n", at: 2))
        #expect(!append("d,\"e\"f\n", at: 3))
        #expect(append("\r\n", at: 4))
        #expect(append("g\n", at: 5))
        let read = records.entries.indices.map { index -> CSVRecord? in
            if case .record(let record) = records.result(at: index) { return record }
            return nil
        }
        #expect(read == [CSVRecord(line: 2, endLine: 2, cells: ["a", "b\"c", ""]), CSVRecord(line: 5, endLine: 5, cells: ["g"])])
    }

    /// A Mac's "CSV (Macintosh)" ends its lines in a carriage return alone.
    /// Read as one line before (the reader split lines at line feeds only),
    /// such a file planned 0 rows with "no problems": the rows fed with the
    /// header went unread, and a batch of `nextRaw` that ended mid-line lost
    /// the cells after it. Whatever the line ends and the chunk size (a CRLF
    /// split between chunks included), both passes read what a file with
    /// line feeds reads, line numbers too.
    @Test(arguments: [1, 2, 5, 64, 4096])
    func linesEndingInACarriageReturnReadLikeLinesEndingInALineFeed(chunkSize: Int) throws {
        let lines = ["sep=;", "id;name;notes", "1;Ada;plain", "", "2;\"Alan; T.\";\"say \"\"hi\"\"\"", "3;Grace;\"two\nlines\"", "4;Edsger;"]
        func read(_ lineEnd: String, raw: Bool) throws -> [String] {
            let path = try Fixtures.temporaryFile(lines.joined(separator: lineEnd) + lineEnd)
            let reader = try CSVReader(source: DecodedSource(ByteSource(path: path, chunkSize: chunkSize)))
            var results: [CSVReadResult] = []
            if raw {
                for _ in 0..<100 {
                    let (records, failure) = reader.nextRaw(count: 2)
                    results += records.entries.indices.map(records.result(at:))
                    if let failure { throw failure }
                    if records.entries.count < 2 { break }
                }
            } else {
                while let result = try reader.next() { results.append(result) }
            }
            return ["\(reader.header.line) \(reader.header.cells) \(Character(UnicodeScalar(reader.delimiter)))"] + results.map { result in
                switch result {
                case .record(let record): "\(record.line)-\(record.endLine) \(record.cells)"
                case .malformed(let line, let reason): "\(line) malformed: \(reason)"
                }
            }
        }
        let expected = [
            "2 [\"id\", \"name\", \"notes\"] ;", "3-3 [\"1\", \"Ada\", \"plain\"]", "5-5 [\"2\", \"Alan; T.\", \"say \\\"hi\\\"\"]",
            "6-7 [\"3\", \"Grace\", \"two\\nlines\"]", "8-8 [\"4\", \"Edsger\", \"\"]",
        ]
        for lineEnd in ["\n", "\r\n", "\r"] {
            #expect(try read(lineEnd, raw: false) == expected, "\(lineEnd.debugDescription)")
            #expect(try read(lineEnd, raw: true) == expected, "\(lineEnd.debugDescription)")
        }
    }

    enum Pass { case libcsv, survey, raw, rawSurvey }

    /// The survey's pass (some columns decoded, read by `next` or, through
    /// `ReadAhead`, as bytes) and the planner's (records as bytes, `nextRaw`)
    /// split plain lines themselves: whatever the bytes, each must read the
    /// records libcsv reads (the survey's with the other columns' cells
    /// empty), and the same malformed records.
    @Test(arguments: [Pass.survey, .raw, .rawSurvey].flatMap { pass in [7, 64, 4096].map { ($0, pass) } })
    func plainLinePassesReadWhatLibcsvReads(chunkSize: Int, pass: Pass) throws {
        let pieces = ["a", "b", "é", " ", ",", ",", ",", "\"", "\"\"", "\r", "\n", "\n", "\r\n", "\",\""]
        var generator = SplitMix64(seed: UInt64(chunkSize))
        var fastLines = 0
        for _ in 0..<150 {
            var text = "h0,h1,h2,h3\n"
            for _ in 0..<Int.random(in: 5...60, using: &generator) { text += pieces.randomElement(using: &generator)! }
            let wanted: Set<Int> = [0, 2, 3]
            let path = try Fixtures.temporaryFile(text)
            // The survey's records are compared on the columns it asked for.
            let masked = pass == .survey || pass == .rawSurvey
            func read(_ pass: Pass) throws -> [String] {
                let reader = try CSVReader(source: DecodedSource(ByteSource(path: path, chunkSize: chunkSize)))
                var results: [CSVReadResult] = []
                switch pass {
                case .libcsv, .survey:
                    if pass == .survey { reader.decodeOnly(columns: wanted) }
                    while let result = try reader.next() { results.append(result) }
                case .raw, .rawSurvey:
                    if pass == .rawSurvey { reader.decodeOnly(columns: wanted) }
                    // A few records a batch, so that batches end mid-chunk and mid-file.
                    for _ in 0..<1_000 {
                        let (records, failure) = reader.nextRaw(count: 3)
                        results += records.entries.indices.map(records.result(at:))
                        if let failure { throw failure }
                        if records.entries.count < 3 { break }
                    }
                }
                return results.map { result in
                    switch result {
                    case .record(let record):
                        if pass == .rawSurvey {
                            // Only the cells asked for keep their bytes.
                            #expect(record.cells.enumerated().allSatisfy { wanted.contains($0.offset) || $0.element.isEmpty })
                        }
                        let cells = masked ? record.cells.enumerated().map { wanted.contains($0.offset) ? $0.element : "" } : record.cells
                        return "\(record.line)-\(record.endLine) \(cells)"
                    case .malformed(let line, let reason): return "\(line) malformed: \(reason)"
                    }
                }
            }
            let byLibcsv: [String]
            do { byLibcsv = try read(.libcsv) } catch {
                #expect(throws: CSVFileError.self) { try read(pass) }
                continue
            }
            let byPass = try read(pass)
            #expect(byPass == byLibcsv, "\(text.debugDescription)\n\(byPass)\n\(byLibcsv)")
            fastLines += text.split(separator: "\n").count { !$0.contains("\"") && !$0.contains("\r") }
        }
        #expect(fastLines > 100, "the random lines must include plain ones")
    }

    @Test func fileLevelProblemsAreErrors() throws {
        #expect(throws: CSVFileError.empty) { try Fixtures.readAll("") }
        #expect(throws: CSVFileError.empty) { try Fixtures.readAll("\n\r\n\n") }
        #expect(throws: CSVFileError.notInEncoding(encoding: .utf8, line: 1)) { try Fixtures.readAll([0x69, 0xE9, 0x0A]) }
        #expect(throws: CSVFileError.unreadable(path: "/nonexistent/x.csv", reason: "No such file or directory")) {
            try ByteSource(path: "/nonexistent/x.csv")
        }
    }

    @Test func oversizedRecordIsRefused() throws {
        let text = "id,notes\n1,\"" + String(repeating: "x", count: 5000)
        #expect(throws: CSVFileError.recordTooLarge(line: 2, limit: 1024)) {
            let reader = try CSVReader(
                source: DecodedSource(ByteSource(path: Fixtures.temporaryFile(text), chunkSize: 100)), maximumRecordBytes: 1024)
            while try reader.next() != nil {}
        }
    }
}
