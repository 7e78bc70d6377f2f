import Foundation

/// Reads an input's records on a thread of its own, a few batches ahead of
/// the caller: the parse (libcsv's, or a sheet's XML) runs on a second core
/// while the caller checks the rows before (`plan` and `apply` plan one
/// file's rows while the next are read).
///
/// At most `depth` batches wait, so memory stays bounded whatever the
/// caller's speed; records come in file order, and a read error comes where
/// it happened, after the records before it. Letting go of the read-ahead
/// stops its thread at the next batch.
package final class ReadAhead {
    /// One batch as the thread hands it over: records, then possibly the end.
    private struct Batch: Sendable {
        var records: Records
        var end: End?
    }

    private enum Records: Sendable {
        /// A CSV file's, as bytes: their text is made by the caller's thread.
        case raw(RawRecords)
        /// A workbook's.
        case results([CSVReadResult])

        var count: Int {
            switch self {
            case .raw(let raw): raw.entries.count
            case .results(let results): results.count
            }
        }

        subscript(index: Int) -> CSVReadResult {
            switch self {
            case .raw(let raw): raw.result(at: index)
            case .results(let results): results[index]
            }
        }
    }

    private enum End: Sendable {
        case finished
        case failed(CSVFileError)
    }

    /// What the two threads share: the batches read and not yet taken,
    /// under one lock with a condition for each side to wait on. (Not
    /// semaphores: libdispatch traps on disposing of one below its initial
    /// value, which a caller that stops early would leave.)
    private final class Channel: @unchecked Sendable {
        private let condition = NSCondition()
        private var batches: [Batch] = []
        private var cancelled = false
        private let depth: Int

        init(depth: Int) { self.depth = depth }

        /// Waits for room; false when the caller has let go (the thread ends).
        func put(_ batch: Batch) -> Bool {
            condition.lock()
            defer { condition.unlock() }
            while batches.count >= depth, !cancelled { condition.wait() }
            guard !cancelled else { return false }
            batches.append(batch)
            condition.broadcast()
            return true
        }

        func take() -> Batch {
            condition.lock()
            defer { condition.unlock() }
            while batches.isEmpty { condition.wait() }
            condition.broadcast()
            return batches.removeFirst()
        }

        func cancel() {
            condition.lock()
            cancelled = true
            batches = []
            condition.broadcast()
            condition.unlock()
        }
    }

    /// The reader, handed to the thread: from then on only that thread uses it.
    private struct Handover: @unchecked Sendable {
        let reader: InputReader
    }

    package let header: CSVRecord
    package let format: InputFormat
    private let channel: Channel
    private var current = Records.results([])
    private var position = 0
    private var end: End?

    /// Takes `reader` over (with its header already read): nothing else may use it afterwards.
    package init(_ reader: InputReader, batchSize: Int = 256, depth: Int = 4) {
        header = reader.header
        format = reader.format
        let channel = Channel(depth: depth)
        self.channel = channel
        let handover = Handover(reader: reader)
        let thread = Thread { Self.read(handover.reader, into: channel, batchSize: batchSize) }
        thread.name = "referral-bulk reader"
        thread.start()
    }

    deinit { channel.cancel() }

    /// The next record, or nil at the end of the input.
    package func next() throws(CSVFileError) -> CSVReadResult? {
        while position == current.count {
            switch end {
            case .finished?: return nil
            case .failed(let error)?: throw error
            case nil: break
            }
            let batch = channel.take()
            current = batch.records
            position = 0
            end = batch.end
        }
        defer { position += 1 }
        return current[position]
    }

    private static func read(_ reader: InputReader, into channel: Channel, batchSize: Int) {
        var end: End?
        while end == nil {
            let records: Records
            (records, end) = next(batchSize, from: reader)
            guard channel.put(Batch(records: records, end: end)) else { return }
        }
    }

    /// Up to `count` records, and how the input ended if it did (an error
    /// comes after the records read before it).
    private static func next(_ count: Int, from reader: InputReader) -> (Records, End?) {
        switch reader {
        case .csv(let csv):
            let (raw, failure) = csv.nextRaw(count: count)
            if let failure { return (.raw(raw), .failed(failure)) }
            return (.raw(raw), raw.entries.count < count ? .finished : nil)
        case .workbook:
            var results: [CSVReadResult] = []
            results.reserveCapacity(count)
            do {
                while results.count < count {
                    guard let result = try reader.next() else { return (.results(results), .finished) }
                    results.append(result)
                }
            } catch {
                return (.results(results), .failed(error))
            }
            return (.results(results), nil)
        }
    }
}
