import CLibCSV

/// A streaming CSV reader over libcsv in strict mode.
///
/// It reads the input in fixed-size chunks and hands libcsv one physical
/// line at a time, so it always knows which line a record started on, and
/// memory stays bounded by the chunk size plus the largest record. It
/// understands RFC 4180 quoting, quoted line breaks, CRLF or LF, a UTF-8
/// byte-order mark (through `DecodedSource`, which also decodes other
/// encodings), Excel's `sep=X` line, and picks `,`, `;` or tab from the header line unless
/// told otherwise. Cells are not trimmed: a space is part of a value.
///
/// A record with broken quoting becomes `.malformed` with its line; reading
/// goes on from the next line, so one bad row does not stop the file.
package final class CSVReader {
    /// Records larger than this are refused: almost always a quote left open.
    package static let defaultMaximumRecordBytes = 16 * 1_048_576

    package let delimiter: UInt8
    /// The header record (line of the first non-blank line).
    package private(set) var header: CSVRecord

    private let source: DecodedSource
    private let maximumRecordBytes: Int
    private let parser: UnsafeMutablePointer<csv_parser>
    private let sink: RecordSink
    private var unread: ArraySlice<UInt8>
    private var line: Int
    private var skippingRestOfLine = false
    /// The next line feed and carriage return in `unread` (nil: none), once
    /// searched for in this chunk (`.none`: not yet).
    private var lineBreaks: (lineFeed: Int??, carriageReturn: Int??) = (.none, .none)
    private var finished = false

    /// Where the header is and what comes before it.
    package struct HeaderLocation: Sendable, Hashable {
        /// `--header-line N`: the header is physical line N; lines above it
        /// (a title, notes) are kept as the preamble. Nil: the first line
        /// that is not blank, after an Excel `sep=X` line.
        package var line: Int?

        package init(line: Int? = nil) { self.line = line }
    }

    /// The lines above the header, as read (an Excel `sep=;` line, a title):
    /// `retry.csv` writes them back so the same options read it.
    package private(set) var preamble: [UInt8]
    /// The delimiter an Excel `sep=X` first line named, if there was one.
    package let declaredDelimiter: UInt8?

    /// How the file is written: what `retry.csv` copies.
    package var format: InputFormat {
        InputFormat(
            delimiter: delimiter, encoding: source.encoding, hasByteOrderMark: source.hadByteOrderMark,
            preamble: String(decoding: preamble, as: UTF8.self))
    }

    /// Opens the reader and reads the header.
    /// - Parameter delimiter: `,`, `;` or tab; nil takes a `sep=X` line's, or detects it from the header line.
    package init(
        source: DecodedSource, delimiter: UInt8? = nil, header location: HeaderLocation = HeaderLocation(),
        maximumRecordBytes: Int = defaultMaximumRecordBytes
    ) throws(CSVFileError) {
        self.source = source
        self.maximumRecordBytes = maximumRecordBytes
        var start = try Self.readHeaderStart(from: source, location: location, limit: maximumRecordBytes)
        self.line = start.line
        self.preamble = start.preamble
        self.declaredDelimiter = start.declaredDelimiter
        self.delimiter = delimiter ?? start.declaredDelimiter ?? Self.detectDelimiter(in: start.bytes)
        self.unread = start.bytes[...]
        start.bytes = []
        self.sink = RecordSink()
        self.parser = .allocate(capacity: 1)
        csv_init(parser, UInt8(CSV_STRICT | CSV_STRICT_FINI))
        Self.configure(parser, delimiter: self.delimiter)
        self.header = CSVRecord(line: 0, endLine: 0, cells: [])
        switch try next() {
        case .record(let record)?:
            self.header = record
        case .malformed(_, let reason)?:
            throw .malformedHeader(reason: reason)
        case nil:
            throw .empty
        }
    }

    deinit {
        csv_free(parser)
        parser.deallocate()
    }

    /// From now on, only these columns' cells are decoded into text; the
    /// others read as empty. A pass that looks at a few columns (the survey
    /// of a whole file before planning) skips building every other cell,
    /// and splits plain lines without libcsv (`PlainLine`).
    package func decodeOnly(columns: Set<Int>) {
        let width = (columns.max() ?? -1) + 1
        sink.decoded = (0..<width).map(columns.contains)
    }

    /// The next record, or nil at the end of the input.
    package func next() throws(CSVFileError) -> CSVReadResult? {
        while sink.results.isEmpty {
            guard try feedMore() else { return nil }
        }
        return sink.results.removeFirst()
    }

    /// Reads up to `count` more records as bytes (`RawRecords`), without
    /// making their cells into text: `ReadAhead` parses on one thread and
    /// the reader of the records makes the text on its own, so that each
    /// thread frees what it allocated (glibc's malloc otherwise takes the
    /// other thread's arena lock for every cell). Plain lines are split
    /// without libcsv (`PlainLine`). Fewer than `count` at the
    /// end of the input; with the error that stopped the reading, after the
    /// records read before it. After `decodeOnly` (the survey's), only those
    /// columns' cells keep their bytes. The records of `next` are all taken
    /// by then: each fed line ends at most one.
    package func nextRaw(count: Int) -> (records: RawRecords, failure: CSVFileError?) {
        sink.raw = RawRecords()
        sink.raw!.reserve(records: count)
        defer { sink.raw = nil }
        do {
            while sink.raw!.entries.count < count {
                guard try feedMore() else { break }
            }
            return (sink.raw!, nil)
        } catch {
            return (sink.raw!, error)
        }
    }

    /// Feeds libcsv the next line; false at the end of the input.
    private func feedMore() throws(CSVFileError) -> Bool {
        if finished { return false }
        if unread.isEmpty {
            unread = try source.read()
            lineBreaks = (.none, .none)
            if unread.isEmpty {
                finish()
                return true
            }
        }
        try feedNextSegment()
        return true
    }

    /// Feeds libcsv up to and including the chunk's next line break: a line
    /// feed, a carriage return and line feed, or a carriage return alone (a
    /// Mac's "CSV (Macintosh)": its lines end in a carriage return). Each
    /// segment holds at most one break, so it ends at most one record (libcsv
    /// ends one at a carriage return as well): `next` and `nextRaw` take
    /// every record they are fed, and a line number is a line in an editor.
    private func feedNextSegment() throws(CSVFileError) {
        var lineEnd = nextLineBreak()
        if let end = lineEnd, unread[end] == 0x0D, end + 1 == unread.endIndex {
            // A carriage return last in the chunk: a line feed may open the next.
            let following = try source.read()
            unread = ArraySlice(Array(unread) + following)
            lineBreaks = (.none, .none)
            lineEnd = nextLineBreak()
        }
        var segmentEnd = lineEnd.map { $0 + 1 } ?? unread.endIndex
        if let end = lineEnd, unread[end] == 0x0D, segmentEnd < unread.endIndex, unread[segmentEnd] == 0x0A { segmentEnd += 1 }
        let segment = unread[unread.startIndex..<segmentEnd]
        unread = unread[segmentEnd...]
        defer { if lineEnd != nil { line += 1 } }

        if skippingRestOfLine {
            if lineEnd != nil { skippingRestOfLine = false }
            return
        }
        // The survey's pass (a few columns decoded) and the planner's (records
        // as bytes) split plain lines themselves, between libcsv's records;
        // one too large is libcsv's to refuse.
        if parser.pointee.pstate == 0, lineEnd != nil, segment.count <= maximumRecordBytes {
            if sink.raw != nil {
                if segment.withUnsafeBytes({
                    PlainLine.append($0, delimiter: delimiter, decoding: sink.decoded, to: &sink.raw!, line: line)
                }) {
                    return
                }
            } else if let decoded = sink.decoded,
                let split = segment.withUnsafeBytes({
                    PlainLine.split($0, delimiter: delimiter, decoding: decoded, reserving: sink.widestRecord)
                })
            {
                if case .cells(let cells) = split { sink.add(plain: CSVRecord(line: line, endLine: line, cells: cells)) }
                return
            }
        }
        if parser.pointee.pstate == 0, segment.contains(where: { $0 != 0x0A && $0 != 0x0D }) {
            sink.recordStartLine = line
        }
        sink.currentLine = line
        let consumed = segment.withUnsafeBytes { bytes in
            csv_parse(parser, bytes.baseAddress, bytes.count, cellCallback, recordCallback, sink.context)
        }
        if consumed < segment.count {
            let reason = "a quote inside a cell that is not quoted, or text after a closing quote, on line \(line)"
            recover(reason: reason)
            skippingRestOfLine = lineEnd == nil
            return
        }
        if csv_get_buffer_size(parser) > maximumRecordBytes || sink.recordBytes > maximumRecordBytes {
            throw .recordTooLarge(line: sink.recordStartLine, limit: maximumRecordBytes)
        }
    }

    /// Where the first line feed or carriage return of `unread` is, if any.
    /// memchr: this scan touches every byte of the file. Where each was
    /// found is remembered for the chunk, so that a file without carriage
    /// returns (or, a Mac's, without line feeds) is searched for one once a
    /// chunk, not once a line.
    private func nextLineBreak() -> Int? {
        let start = unread.startIndex
        func next(_ byte: UInt8, after found: Int??) -> Int? {
            if let found, found.map({ $0 >= start }) ?? true { return found }
            return unread.withUnsafeBytes { bytes in
                guard let base = bytes.baseAddress, let found = memchr(base, Int32(byte), bytes.count) else { return nil }
                return start + (UnsafeRawPointer(found) - base)
            }
        }
        lineBreaks.lineFeed = next(0x0A, after: lineBreaks.lineFeed)
        lineBreaks.carriageReturn = next(0x0D, after: lineBreaks.carriageReturn)
        switch (lineBreaks.lineFeed!, lineBreaks.carriageReturn!) {
        case (let lineFeed?, let carriageReturn?): return min(lineFeed, carriageReturn)
        case (let lineFeed, let carriageReturn): return lineFeed ?? carriageReturn
        }
    }

    /// Drops the broken record, reports it, and starts libcsv afresh.
    private func recover(reason: String) {
        sink.malformed(line: sink.recordStartLine, reason: reason)
        sink.discardRecord()
        csv_free(parser)
        csv_init(parser, UInt8(CSV_STRICT | CSV_STRICT_FINI))
        Self.configure(parser, delimiter: delimiter)
    }

    private func finish() {
        finished = true
        sink.currentLine = line
        if csv_fini(parser, cellCallback, recordCallback, sink.context) != 0 {
            recover(reason: "a quoted cell is opened but never closed before the end of the file")
        }
    }

    private static func configure(_ parser: UnsafeMutablePointer<csv_parser>, delimiter: UInt8) {
        csv_set_delim(parser, delimiter)
        // libcsv trims spaces around unquoted cells by default; values keep them here.
        csv_set_space_func(parser) { _ in 0 }
    }

    // MARK: - Header line

    /// Finds the header line: skips blank lines (and an Excel `sep=X` line,
    /// or every line above `--header-line`), and returns the header line's
    /// bytes with whatever followed them in the last chunk read.
    private static func readHeaderStart(from source: DecodedSource, location: HeaderLocation, limit: Int)
        throws(CSVFileError) -> (bytes: [UInt8], line: Int, preamble: [UInt8], declaredDelimiter: UInt8?)
    {
        var bytes: [UInt8] = []
        var line = 1
        var start = 0  // where the current line starts in `bytes`
        var declaredDelimiter: UInt8?
        var atEnd = false
        while true {
            // The current line, once it is complete (or the input has ended):
            // up to a line feed, or a carriage return not followed by one (a
            // Mac's line end); a carriage return last in what was read may be
            // followed by a line feed not yet read.
            let lineBreak = bytes[start...].firstIndex { $0 == 0x0A || $0 == 0x0D }
            let mayBeHalfOfCRLF = lineBreak.map { bytes[$0] == 0x0D && $0 + 1 == bytes.endIndex } ?? false
            guard let lineEnd = lineBreak ?? (atEnd ? bytes.endIndex : nil), !mayBeHalfOfCRLF || atEnd else {
                let chunk = try source.read()
                if chunk.isEmpty { atEnd = true } else { bytes.append(contentsOf: chunk) }
                if bytes.count - start > limit { throw .recordTooLarge(line: line, limit: limit) }
                continue
            }
            let text = bytes[start..<lineEnd]
            let isCRLF = lineEnd + 1 < bytes.endIndex && bytes[lineEnd] == 0x0D && bytes[lineEnd + 1] == 0x0A
            let isBlank = text.isEmpty
            if atEnd, lineEnd == bytes.endIndex, isBlank {
                if let wanted = location.line, wanted >= line { throw .noHeaderAtLine(wanted) }
                throw .empty
            }
            let skip: Bool
            if let wanted = location.line {
                skip = line < wanted || isBlank
            } else if isBlank {
                skip = true
            } else if declaredDelimiter == nil, let separator = excelSeparator(text) {
                declaredDelimiter = separator
                skip = true
            } else {
                skip = false
            }
            if !skip {
                let preamble = Array(bytes[..<start])
                return (Array(bytes[start...]), line, preamble, declaredDelimiter)
            }
            start = min(lineEnd + (isCRLF ? 2 : 1), bytes.endIndex)
            line += 1
        }
    }

    /// Excel's first line `sep=;` (also quoted, as some exports write it).
    static func excelSeparator(_ line: ArraySlice<UInt8>) -> UInt8? {
        var text = Array(line)
        if text.last == 0x0D { text.removeLast() }
        if text.count >= 2, text.first == 0x22, text.last == 0x22 { text = Array(text.dropFirst().dropLast()) }
        guard text.count == 5, String(decoding: text.prefix(4), as: UTF8.self).lowercased() == "sep=" else { return nil }
        let separator = text[4]
        return separator < 0x80 && separator != 0x22 && separator > 0x08 ? separator : nil
    }

    /// The most frequent of `,` `;` tab outside quotes on the header line; `,` on a tie.
    static func detectDelimiter(in bytes: [UInt8]) -> UInt8 {
        var counts: [UInt8: Int] = [UInt8(ascii: ","): 0, UInt8(ascii: ";"): 0, 0x09: 0]
        var inQuotes = false
        for byte in bytes {
            if (byte == 0x0A || byte == 0x0D) && !inQuotes { break }
            if byte == UInt8(ascii: "\"") { inQuotes.toggle(); continue }
            if !inQuotes, counts[byte] != nil { counts[byte]! += 1 }
        }
        let best = counts.max { ($0.value, $1.key) < ($1.value, $0.key) }!
        return best.value > counts[UInt8(ascii: ",")]! ? best.key : UInt8(ascii: ",")
    }
}

/// Collects libcsv's callbacks into records. A class so that libcsv's C
/// callbacks can reach it through an opaque pointer.
///
/// Only the reader's thread touches it, one callback at a time, so the
/// per-cell properties skip the runtime's exclusivity check (it cost more
/// than the append it guarded).
final class RecordSink {
    var results: [CSVReadResult] = []
    @exclusivity(unchecked) var cells: [String] = []
    var recordStartLine = 1
    var currentLine = 1
    @exclusivity(unchecked) var recordBytes = 0
    /// The widest record so far (up to a cap, so one hostile line cannot
    /// make every later record reserve megabytes): a new record's storage
    /// starts that large instead of growing cell by cell.
    private(set) var widestRecord = 0
    private static let reservedCellsLimit = 256

    var context: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }

    /// Which columns to decode (`CSVReader.decodeOnly`); nil: all.
    @exclusivity(unchecked) var decoded: [Bool]?

    /// Where `CSVReader.nextRaw` collects records instead; nil: into `results`.
    @exclusivity(unchecked) var raw: RawRecords?

    func addCell(_ bytes: UnsafeRawBufferPointer) {
        recordBytes += bytes.count
        if raw != nil {
            raw!.addCell(PlainLine.isKept(column: raw!.cellsInRecord, by: decoded) ? bytes : UnsafeRawBufferPointer(start: nil, count: 0))
            return
        }
        if !PlainLine.isKept(column: cells.count, by: decoded) {
            cells.append("")
            return
        }
        // The decoder has checked every byte: this is valid UTF-8.
        cells.append(String(decoding: bytes, as: UTF8.self))
    }

    func endRecord() {
        if raw != nil {
            raw!.endRecord(line: recordStartLine, endLine: currentLine)
            recordBytes = 0
            return
        }
        results.append(
            .record(CSVRecord(line: recordStartLine, endLine: currentLine, cells: cells)))
        discardRecord()
    }

    /// A record `PlainLine` split.
    func add(plain record: CSVRecord) {
        widestRecord = min(max(widestRecord, record.cells.count), Self.reservedCellsLimit)
        results.append(.record(record))
    }

    func malformed(line: Int, reason: String) {
        if raw != nil {
            raw!.malformed(line: line, reason: reason)
        } else {
            results.append(.malformed(line: line, reason: reason))
        }
    }

    func discardRecord() {
        raw?.discardRecord()
        widestRecord = min(max(widestRecord, cells.count), Self.reservedCellsLimit)
        cells = []
        cells.reserveCapacity(widestRecord)
        recordBytes = 0
    }
}

// The reader holds the sink for as long as libcsv calls back, so the
// callbacks borrow it (`_withUnsafeGuaranteedRef`) instead of retaining and
// releasing it for every cell: that pair was about 5 % of `validate`'s
// samples (perf: the retain under the cell callback, the release under csv_parse).
private func cellCallback(_ bytes: UnsafeMutableRawPointer?, _ count: Int, _ context: UnsafeMutableRawPointer?) {
    Unmanaged<RecordSink>.fromOpaque(context!)._withUnsafeGuaranteedRef { sink in
        sink.addCell(UnsafeRawBufferPointer(start: bytes, count: bytes == nil ? 0 : count))
    }
}

private func recordCallback(_ terminator: Int32, _ context: UnsafeMutableRawPointer?) {
    Unmanaged<RecordSink>.fromOpaque(context!)._withUnsafeGuaranteedRef { $0.endRecord() }
}
