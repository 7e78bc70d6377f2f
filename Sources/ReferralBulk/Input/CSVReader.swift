import CLibCSV

/// A streaming CSV reader over libcsv in strict mode.
///
/// It reads the input in fixed-size chunks and hands libcsv one physical
/// line at a time, so it always knows which line a record started on, and
/// memory stays bounded by the chunk size plus the largest record. It
/// understands RFC 4180 quoting, quoted line breaks, CRLF or LF, a UTF-8
/// byte-order mark, and picks `,`, `;` or tab from the header line unless
/// told otherwise. Cells are not trimmed: a space is part of a value.
///
/// A record with broken quoting becomes `.malformed` with its line; reading
/// goes on from the next line, so one bad row does not stop the file.
public final class CSVReader {
    /// Records larger than this are refused: almost always a quote left open.
    public static let defaultMaximumRecordBytes = 16 * 1_048_576

    public let delimiter: UInt8
    /// The header record (line of the first non-blank line).
    public private(set) var header: CSVRecord

    private let source: ByteSource
    private let maximumRecordBytes: Int
    private let parser: UnsafeMutablePointer<csv_parser>
    private let sink: RecordSink
    private var unread: ArraySlice<UInt8>
    private var line: Int
    private var skippingRestOfLine = false
    private var finished = false

    /// Opens the reader and reads the header.
    /// - Parameter delimiter: `,`, `;` or tab; nil detects it from the header line.
    public init(source: ByteSource, delimiter: UInt8? = nil, maximumRecordBytes: Int = defaultMaximumRecordBytes)
        throws(CSVFileError)
    {
        self.source = source
        self.maximumRecordBytes = maximumRecordBytes
        var start = try Self.readFirstLine(from: source, limit: maximumRecordBytes)
        self.line = start.line
        self.delimiter = delimiter ?? Self.detectDelimiter(in: start.bytes)
        self.unread = start.bytes[...]
        start.bytes = []
        self.sink = RecordSink()
        self.parser = .allocate(capacity: 1)
        csv_init(parser, UInt8(CSV_STRICT | CSV_STRICT_FINI))
        Self.configure(parser, delimiter: self.delimiter)
        self.header = CSVRecord(line: 0, endLine: 0, cells: [])
        switch try next() {
        case .record(let record)?:
            guard record.invalidUTF8Cells.isEmpty else { throw .invalidHeaderEncoding }
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

    /// The next record, or nil at the end of the input.
    public func next() throws(CSVFileError) -> CSVReadResult? {
        while sink.results.isEmpty {
            if finished { return nil }
            if unread.isEmpty {
                unread = try source.read()
                if unread.isEmpty {
                    finish()
                    continue
                }
            }
            try feedNextSegment()
        }
        return sink.results.removeFirst()
    }

    /// Feeds libcsv up to and including the next line feed of the chunk.
    private func feedNextSegment() throws(CSVFileError) {
        // memchr: this scan touches every byte of the file.
        let start = unread.startIndex
        let lineEnd: Int? = unread.withUnsafeBytes { bytes in
            guard let base = bytes.baseAddress, let found = memchr(base, 0x0A, bytes.count) else { return nil }
            return start + (UnsafeRawPointer(found) - base)
        }
        let segmentEnd = lineEnd.map { $0 + 1 } ?? unread.endIndex
        let segment = unread[unread.startIndex..<segmentEnd]
        unread = unread[segmentEnd...]
        defer { if lineEnd != nil { line += 1 } }

        if skippingRestOfLine {
            if lineEnd != nil { skippingRestOfLine = false }
            return
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

    /// Drops the broken record, reports it, and starts libcsv afresh.
    private func recover(reason: String) {
        sink.results.append(.malformed(line: sink.recordStartLine, reason: reason))
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

    /// Skips leading blank lines and returns the first non-blank line's bytes
    /// (with whatever followed it in the last chunk read), BOM removed.
    private static func readFirstLine(from source: ByteSource, limit: Int) throws(CSVFileError) -> (
        bytes: [UInt8], line: Int
    ) {
        var bytes: [UInt8] = []
        var line = 1
        var sawStart = false
        while true {
            let chunk = try source.read()
            if chunk.isEmpty { break }
            bytes.append(contentsOf: chunk)
            if !sawStart {
                if bytes.starts(with: [0xFF, 0xFE]) { throw .utf16(byteOrderMark: "FF FE") }
                if bytes.starts(with: [0xFE, 0xFF]) { throw .utf16(byteOrderMark: "FE FF") }
                if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
                let firstContent = bytes.firstIndex { $0 != 0x0A && $0 != 0x0D }
                line += bytes[..<(firstContent ?? bytes.endIndex)].count { $0 == 0x0A }
                guard let firstContent else {
                    bytes.removeAll(keepingCapacity: true)
                    continue
                }
                bytes.removeFirst(firstContent)
                sawStart = true
            }
            if bytes.contains(0x0A) { break }
            if bytes.count > limit { throw .recordTooLarge(line: line, limit: limit) }
        }
        guard sawStart else { throw .empty }
        return (bytes, line)
    }

    /// The most frequent of `,` `;` tab outside quotes on the header line; `,` on a tie.
    static func detectDelimiter(in bytes: [UInt8]) -> UInt8 {
        var counts: [UInt8: Int] = [UInt8(ascii: ","): 0, UInt8(ascii: ";"): 0, 0x09: 0]
        var inQuotes = false
        for byte in bytes {
            if byte == 0x0A && !inQuotes { break }
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
    @exclusivity(unchecked) var invalidCells: [Int] = []
    var recordStartLine = 1
    var currentLine = 1
    @exclusivity(unchecked) var recordBytes = 0
    /// The widest record so far (up to a cap, so one hostile line cannot
    /// make every later record reserve megabytes): a new record's storage
    /// starts that large instead of growing cell by cell.
    private var widestRecord = 0
    private static let reservedCellsLimit = 256

    var context: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }

    func addCell(_ bytes: UnsafeRawBufferPointer) {
        recordBytes += bytes.count
        if !bytes.contains(where: { $0 >= 0x80 }) {
            cells.append(String(decoding: bytes, as: UTF8.self))  // ASCII: nothing to validate
        } else if let text = String(validating: bytes, as: UTF8.self) {
            cells.append(text)
        } else {
            invalidCells.append(cells.count)
            cells.append(String(decoding: bytes, as: UTF8.self))
        }
    }

    func endRecord() {
        results.append(
            .record(CSVRecord(line: recordStartLine, endLine: currentLine, cells: cells, invalidUTF8Cells: invalidCells)))
        discardRecord()
    }

    func discardRecord() {
        widestRecord = min(max(widestRecord, cells.count), Self.reservedCellsLimit)
        cells = []
        cells.reserveCapacity(widestRecord)
        invalidCells = []
        recordBytes = 0
    }
}

private func cellCallback(_ bytes: UnsafeMutableRawPointer?, _ count: Int, _ context: UnsafeMutableRawPointer?) {
    let sink = Unmanaged<RecordSink>.fromOpaque(context!).takeUnretainedValue()
    sink.addCell(UnsafeRawBufferPointer(start: bytes, count: bytes == nil ? 0 : count))
}

private func recordCallback(_ terminator: Int32, _ context: UnsafeMutableRawPointer?) {
    Unmanaged<RecordSink>.fromOpaque(context!).takeUnretainedValue().endRecord()
}
