/// An input's bytes as UTF-8, chunk by chunk, whatever its encoding: the
/// byte-order mark skipped, other encodings transcoded, bytes that are not
/// text refused with their line. What the CSV reader reads.
package final class DecodedSource {
    package let name: String
    package let encoding: TextEncoding
    /// Whether the input started with a byte-order mark (`retry.csv` keeps it).
    package let hadByteOrderMark: Bool
    private let source: ByteSource
    private var decoder: TextDecoder
    private var finished = false

    /// Reads `source`, deciding the encoding from its first bytes and `requested`.
    package init(_ source: ByteSource, requested: TextEncoding? = nil) throws(CSVFileError) {
        self.source = source
        self.name = source.name
        var first = try source.read()
        // A byte-order mark needs a few bytes to be seen.
        while first.count < 8 {
            let more = try source.read()
            if more.isEmpty { break }
            first = ArraySlice(Array(first) + Array(more))
        }
        let decision = try InputEncoding.decide(start: first, requested: requested)
        self.encoding = decision.encoding
        self.hadByteOrderMark = decision.byteOrderMarkLength > 0
        self.decoder = TextDecoder(encoding: decision.encoding)
        self.firstChunk = first.dropFirst(decision.byteOrderMarkLength)
    }

    private var firstChunk: ArraySlice<UInt8>?

    /// The next chunk of UTF-8, or an empty slice at the end.
    package func read() throws(CSVFileError) -> ArraySlice<UInt8> {
        while !finished {
            let raw: ArraySlice<UInt8>
            if let first = firstChunk {
                firstChunk = nil
                raw = first
            } else {
                raw = try source.read()
            }
            if raw.isEmpty {
                finished = true
                try decoder.finish()
                break
            }
            var output: [UInt8] = []
            try decoder.decode(raw, into: &output)
            if !output.isEmpty { return output[...] }
        }
        return []
    }
}
