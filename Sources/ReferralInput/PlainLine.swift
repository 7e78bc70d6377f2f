/// One CSV line split without libcsv, for the survey's pass, which only
/// needs a few columns' cells: a line whose every cell is plain (no quote,
/// no carriage return) or quoted whole and closed on the line, ending in a
/// line feed. Anything else (a quote inside a cell, text after a closing
/// quote, a cell that goes on to the next line, a lone carriage return) is
/// left to libcsv, which reads the whole file's other pass anyway.
///
/// Our own code, where a kept library serves everywhere else: libcsv calls
/// back for every byte and every cell (about 49 instructions a byte,
/// callgrind), and the survey reads every byte of the file before the first
/// row is planned; this loop is a few a byte and builds only the cells
/// asked for. `CSVReaderTests` reads random lines both ways and requires
/// the same records.
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

    /// Splits `line` (ending in its line feed) at `delimiter`, making text of
    /// the cells whose column is true in `decoding`; nil when libcsv must read it.
    /// `reserving`: room for that many cells (the widest record so far).
    static func split(_ line: UnsafeRawBufferPointer, delimiter: UInt8, decoding: [Bool], reserving: Int = 0) -> Split? {
        // A carriage return as the delimiter (a hostile `sep=` line can name
        // one) would make the line's end a cell boundary: libcsv's to read.
        guard let last = line.last, last == lineFeed, delimiter != carriageReturn else { return nil }
        var end = line.count - 1
        if end > 0, line[end - 1] == carriageReturn { end -= 1 }
        if end == 0 { return .blank }
        var cells: [String] = []
        cells.reserveCapacity(max(reserving, decoding.count))
        var start = 0
        while true {
            let wanted = cells.count < decoding.count && decoding[cells.count]
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
                cells.append(wanted ? text(line[(start + 1)..<next], undoubling: doubled) : "")
                next += 1
            } else {
                while next < end, line[next] != delimiter {
                    if line[next] == quote || line[next] == carriageReturn { return nil }
                    next += 1
                }
                cells.append(wanted ? text(line[start..<next], undoubling: false) : "")
            }
            if next == end { return .cells(cells) }
            start = next + 1
        }
    }

    /// The decoder has checked every byte: this is valid UTF-8.
    private static func text(_ bytes: Slice<UnsafeRawBufferPointer>, undoubling doubled: Bool) -> String {
        guard doubled else { return String(decoding: UnsafeRawBufferPointer(rebasing: bytes), as: UTF8.self) }
        var undoubled: [UInt8] = []
        undoubled.reserveCapacity(bytes.count)
        var afterQuote = false
        for byte in bytes {
            if byte == quote, afterQuote {
                afterQuote = false
                continue
            }
            afterQuote = byte == quote
            undoubled.append(byte)
        }
        return String(decoding: undoubled, as: UTF8.self)
    }
}
