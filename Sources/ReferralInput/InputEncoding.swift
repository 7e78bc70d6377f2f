/// Decides how a file's bytes are to be read, from its first bytes and
/// `--encoding`, before anything else looks at it: a byte-order mark wins
/// (and must agree with `--encoding`), BOM-less UTF-16 is
/// refused with a sentence saying what it is, anything else is UTF-8 unless
/// `--encoding` says otherwise.
enum InputEncoding {
    struct Decision: Equatable {
        var encoding: TextEncoding
        /// Bytes of byte-order mark to skip.
        var byteOrderMarkLength: Int
    }

    static func decide(start bytes: ArraySlice<UInt8>, requested: TextEncoding?) throws(CSVFileError) -> Decision {
        for mark in [TextEncoding.utf8, .utf16LittleEndian, .utf16BigEndian] where bytes.starts(with: mark.byteOrderMark) {
            // "utf-16" names either byte order: the mark decides.
            if let requested, requested != mark, !(requested.isUTF16 && mark.isUTF16) {
                throw .byteOrderMarkContradicts(mark: mark, requested: requested)
            }
            return Decision(encoding: mark, byteOrderMarkLength: mark.byteOrderMark.count)
        }
        if let requested { return Decision(encoding: requested, byteOrderMarkLength: 0) }
        if let littleEndian = looksLikeUTF16(bytes) { throw .utf16WithoutByteOrderMark(likelyLittleEndian: littleEndian) }
        return Decision(encoding: .utf8, byteOrderMarkLength: 0)
    }

    /// Text in UTF-16 has a zero byte beside nearly every ASCII character:
    /// at odd offsets for little-endian, even for big-endian. Nil: not UTF-16.
    static func looksLikeUTF16(_ bytes: ArraySlice<UInt8>) -> Bool? {
        let sample = Array(bytes.prefix(1024))
        guard sample.count >= 8 else { return nil }
        var zerosAtEven = 0
        var zerosAtOdd = 0
        for (offset, byte) in sample.enumerated() where byte == 0 {
            if offset % 2 == 0 { zerosAtEven += 1 } else { zerosAtOdd += 1 }
        }
        let pairs = sample.count / 2
        if zerosAtOdd * 10 >= pairs * 7, zerosAtEven * 10 < pairs { return true }
        if zerosAtEven * 10 >= pairs * 7, zerosAtOdd * 10 < pairs { return false }
        return nil
    }
}
