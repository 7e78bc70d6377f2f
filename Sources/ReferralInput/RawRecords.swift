/// A batch of CSV records as bytes: every cell's bytes in one buffer, and
/// where each cell and record ends. `CSVReader.nextRaw` fills it on the
/// thread that parses; `result(at:)` makes a record's text on the thread
/// that reads the records.
package struct RawRecords: Sendable {
    package enum Entry: Sendable {
        /// A record whose cells are `cellEnds[firstCell..<endCell]`.
        case record(line: Int, endLine: Int, firstCell: Int, endCell: Int)
        case malformed(line: Int, reason: String)
    }

    package private(set) var entries: [Entry] = []
    private var bytes: [UInt8] = []
    /// Where each cell ends in `bytes` (the next starts there).
    private var cellEnds: [Int] = []
    /// The first cell of the record being read.
    private var recordStart = 0

    mutating func reserve(records: Int) {
        entries.reserveCapacity(records)
    }

    /// Cells of the record being read so far.
    var cellsInRecord: Int { cellEnds.count - recordStart }

    mutating func addCell(_ cell: UnsafeRawBufferPointer) {
        bytes.append(contentsOf: cell)
        cellEnds.append(bytes.count)
    }

    /// A cell `PlainLine` read, its doubled quotes made one when `doubled`.
    mutating func addCell(_ cell: Slice<UnsafeRawBufferPointer>, undoubling doubled: Bool) {
        if doubled {
            PlainLine.undoubling(cell, into: &bytes)
        } else {
            bytes.append(contentsOf: cell)
        }
        cellEnds.append(bytes.count)
    }

    mutating func endRecord(line: Int, endLine: Int) {
        entries.append(.record(line: line, endLine: endLine, firstCell: recordStart, endCell: cellEnds.count))
        recordStart = cellEnds.count
    }

    mutating func malformed(line: Int, reason: String) {
        entries.append(.malformed(line: line, reason: reason))
    }

    /// Drops the cells of the record being read (its quoting was broken).
    mutating func discardRecord() {
        cellEnds.removeSubrange(recordStart...)
        bytes.removeSubrange((cellEnds.last ?? 0)...)
    }

    /// The entry at `index` as the reader's `next` would have returned it.
    package func result(at index: Int) -> CSVReadResult {
        switch entries[index] {
        case .malformed(let line, let reason):
            return .malformed(line: line, reason: reason)
        case .record(let line, let endLine, let firstCell, let endCell):
            var cells: [String] = []
            cells.reserveCapacity(endCell - firstCell)
            bytes.withUnsafeBufferPointer { buffer in
                var start = firstCell == 0 ? 0 : cellEnds[firstCell - 1]
                for end in cellEnds[firstCell..<endCell] {
                    // The decoder has checked every byte: this is valid UTF-8.
                    cells.append(String(decoding: UnsafeBufferPointer(rebasing: buffer[start..<end]), as: UTF8.self))
                    start = end
                }
            }
            return .record(CSVRecord(line: line, endLine: endLine, cells: cells))
        }
    }
}
