/// One CSV line split without libcsv: a line whose every cell is plain (no
/// quote, no carriage return) or quoted whole and closed on the line,
/// ending in a line feed, a carriage return and line feed, or a carriage
/// return (a Mac's). Anything else (a quote inside a cell, text after a
/// closing quote, a cell that goes on to the next line) is left to libcsv.
///
/// Our own code, where a kept library serves everywhere else: libcsv calls
/// back for every byte and every cell (about 49 instructions a byte,
/// callgrind), and both passes over a file (the survey's, then the
/// planner's) read every byte; this loop is a few a byte. The survey's
/// pass keeps only the cells it asks for, the planner's every cell's bytes.
/// `CSVReaderTests` reads random lines both ways, for each pass, and
/// requires the same records.
enum PlainLine {
    enum Split {
        /// Nothing but a line break: libcsv makes no record of it either.
        case blank
        /// The cells, with those not asked for left empty.
        case cells([String])
    }

    private static let quote = UInt8(ascii: "\"")
    private static let carriageReturn: UInt8 = 0x0D
    private static let lineFeed: UInt8 = 0x0A

    /// Splits `line` (ending in its line break) at `delimiter`, making text of
    /// the cells whose column is true in `decoding`; nil when libcsv must read it.
    /// `reserving`: room for that many cells (the widest record so far).
    static func split(_ line: UnsafeRawBufferPointer, delimiter: UInt8, decoding: [Bool], reserving: Int = 0) -> Split? {
        var cells: [String] = []
        let read = scan(line, delimiter: delimiter) { bytes, doubled in
            if cells.isEmpty { cells.reserveCapacity(max(reserving, decoding.count)) }
            cells.append(isKept(column: cells.count, by: decoding) ? text(bytes, undoubling: doubled) : "")
        }
        return read.map { $0 ? .cells(cells) : .blank }
    }

    /// Adds `line`'s cells to `records` as one record of line `number`,
    /// those whose column is false in `decoding` (when given) left empty;
    /// false (with nothing added) when libcsv must read it. A blank line adds nothing.
    static func append(
        _ line: UnsafeRawBufferPointer, delimiter: UInt8, decoding: [Bool]? = nil, to records: inout RawRecords, line number: Int
    ) -> Bool {
        var column = 0
        let read = scan(line, delimiter: delimiter) { bytes, doubled in
            if isKept(column: column, by: decoding) {
                records.addCell(bytes, undoubling: doubled)
            } else {
                records.addCell(bytes[bytes.startIndex..<bytes.startIndex], undoubling: false)
            }
            column += 1
        }
        switch read {
        case true?: records.endRecord(line: number, endLine: number)
        case false?: break
        case nil: records.discardRecord()
        }
        return read != nil
    }

    /// Calls `cell` with each cell's bytes (inside its quotes; `doubled`:
    /// with doubled quotes to undouble), in order. True when the line was a
    /// record, false when it was blank, nil when libcsv must read it (after
    /// `cell` may have been called for its first cells).
    @inline(__always)
    private static func scan(
        _ line: UnsafeRawBufferPointer, delimiter: UInt8, cell: (Slice<UnsafeRawBufferPointer>, _ doubled: Bool) -> Void
    ) -> Bool? {
        // A carriage return as the delimiter (a hostile `sep=` line can name
        // one) would make the line's end a cell boundary: libcsv's to read.
        guard let last = line.last, last == lineFeed || last == carriageReturn, delimiter != carriageReturn else { return nil }
        var end = line.count - 1
        if last == lineFeed, end > 0, line[end - 1] == carriageReturn { end -= 1 }
        if end == 0 { return false }
        var start = 0
        while true {
            var next = start
            if start < end, line[start] == quote {
                // Quoted: up to the quote that is not doubled, then a delimiter or the end.
                next += 1
                var doubled = false
                while true {
                    guard next < end else { return nil }
                    if line[next] == quote {
                        guard next + 1 < end, line[next + 1] == quote else { break }
                        doubled = true
                        next += 1
                    }
                    next += 1
                }
                guard next + 1 == end || line[next + 1] == delimiter else { return nil }
                cell(line[(start + 1)..<next], doubled)
                next += 1
            } else {
                while next < end, line[next] != delimiter {
                    if line[next] == quote || line[next] == carriageReturn { return nil }
                    next += 1
                }
                cell(line[start..<next], false)
            }
            if next == end { return true }
            start = next + 1
        }
    }

    /// Whether a cell of `column` keeps its text under `decodeOnly`'s
    /// `decoding` (nil: every column's does).
    static func isKept(column: Int, by decoding: [Bool]?) -> Bool {
        guard let decoding else { return true }
        return column < decoding.count && decoding[column]
    }

    /// Appends `bytes` to `output` with each doubled quote made one.
    static func undoubling(_ bytes: Slice<UnsafeRawBufferPointer>, into output: inout [UInt8]) {
        var afterQuote = false
        for byte in bytes {
            if byte == quote, afterQuote {
                afterQuote = false
                continue
            }
            afterQuote = byte == quote
            output.append(byte)
        }
    }

    /// The decoder has checked every byte: this is valid UTF-8.
    private static func text(_ bytes: Slice<UnsafeRawBufferPointer>, undoubling doubled: Bool) -> String {
        guard doubled else { return String(decoding: UnsafeRawBufferPointer(rebasing: bytes), as: UTF8.self) }
        var undoubled: [UInt8] = []
        undoubled.reserveCapacity(bytes.count)
        undoubling(bytes, into: &undoubled)
        return String(decoding: undoubled, as: UTF8.self)
    }
}
