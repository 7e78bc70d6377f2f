#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Turns an input's bytes, chunk by chunk, into UTF-8, and refuses bytes
/// that are not what the encoding promises, naming the line they are on.
///
/// For UTF-8 it only checks (the bytes pass through unchanged); the other
/// encodings are transcoded. A sequence split across two chunks is carried
/// over, so the result does not depend on where chunks end.
struct TextDecoder {
    let encoding: TextEncoding
    /// The physical line the decoder has reached (1-based), for error messages.
    private(set) var line = 1
    /// Bytes of an incomplete sequence at the end of the last chunk.
    private var carry: [UInt8] = []
    private let table: [[UInt8]]?

    init(encoding: TextEncoding) {
        self.encoding = encoding
        self.table = encoding.singleByteTable
    }

    /// Appends the UTF-8 form of `chunk` to `output`.
    mutating func decode(_ chunk: ArraySlice<UInt8>, into output: inout [UInt8]) throws(CSVFileError) {
        switch encoding {
        case .utf8: try checkUTF8(chunk, into: &output)
        case .utf16LittleEndian, .utf16BigEndian: try transcodeUTF16(chunk, into: &output)
        case .windows1252, .isoLatin1, .macintosh:
            output.reserveCapacity(output.count + chunk.count)
            for byte in chunk {
                if byte < 0x80 {
                    if byte == 0x0A { line += 1 }
                    output.append(byte)
                } else {
                    let utf8 = table![Int(byte)]
                    guard !utf8.isEmpty else { throw .notInEncoding(encoding: encoding, line: line) }
                    output.append(contentsOf: utf8)
                }
            }
        }
    }

    /// The end of the input: an incomplete sequence left over is an error.
    func finish() throws(CSVFileError) {
        if !carry.isEmpty { throw .notInEncoding(encoding: encoding, line: line) }
    }

    private mutating func checkUTF8(_ chunk: ArraySlice<UInt8>, into output: inout [UInt8]) throws(CSVFileError) {
        var bytes = carry
        carry = []
        bytes.append(contentsOf: chunk)
        var index = 0
        let count = bytes.count
        var valid = true
        bytes.withUnsafeBufferPointer { buffer in
            let raw = UnsafeRawBufferPointer(buffer)
            while index < count {
                // ASCII eight bytes at a time: this check reads every byte of
                // the file, twice for `plan` (the survey's pass and the plan's),
                // and byte by byte it was 5 % of `plan`'s instructions (callgrind).
                while index + 8 <= count, raw.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                    index += 8
                }
                guard index < count else { break }
                let lead = buffer[index]
                if lead < 0x80 {
                    index += 1
                    continue
                }
                let length: Int
                var lower: UInt8 = 0x80
                var upper: UInt8 = 0xBF
                switch lead {
                case 0xC2...0xDF: length = 2
                case 0xE0: length = 3; lower = 0xA0
                case 0xE1...0xEC, 0xEE...0xEF: length = 3
                case 0xED: length = 3; upper = 0x9F  // no UTF-16 surrogates
                case 0xF0: length = 4; lower = 0x90
                case 0xF1...0xF3: length = 4
                case 0xF4: length = 4; upper = 0x8F  // nothing past U+10FFFF
                default:
                    valid = false
                    return
                }
                // A sequence cut by the chunk's end waits for the next chunk.
                let available = count - index
                for offset in 1..<min(length, available) {
                    let byte = buffer[index + offset]
                    let (low, high) = offset == 1 ? (lower, upper) : (0x80, 0xBF)
                    guard byte >= low, byte <= high else {
                        valid = false
                        return
                    }
                }
                if available < length { break }
                index += length
            }
        }
        line += Self.lineFeeds(in: bytes, upTo: index)
        guard valid else { throw .notInEncoding(encoding: encoding, line: line) }
        if index < count {
            carry = Array(bytes[index...])
            bytes.removeSubrange(index...)
        }
        if output.isEmpty { output = bytes } else { output.append(contentsOf: bytes) }
    }

    /// Line feeds in `bytes[..<end]`: counted apart from the check, which
    /// skips whole words of ASCII, with memchr (a byte loop was as costly
    /// as the check itself: the compiler does not vectorise it).
    private static func lineFeeds(in bytes: [UInt8], upTo end: Int) -> Int {
        bytes.withUnsafeBytes { buffer in
            guard var next = buffer.baseAddress, end > 0 else { return 0 }
            let stop = next + end
            var count = 0
            while next < stop, let found = memchr(next, 0x0A, stop - next) {
                count += 1
                next = UnsafeRawPointer(found) + 1
            }
            return count
        }
    }

    private mutating func transcodeUTF16(_ chunk: ArraySlice<UInt8>, into output: inout [UInt8]) throws(CSVFileError) {
        var bytes = carry
        carry = []
        bytes.append(contentsOf: chunk)
        let littleEndian = encoding == .utf16LittleEndian
        var units: [UInt16] = []
        units.reserveCapacity(bytes.count / 2)
        var index = 0
        while index + 1 < bytes.count {
            let unit = littleEndian
                ? UInt16(bytes[index]) | UInt16(bytes[index + 1]) << 8 : UInt16(bytes[index]) << 8 | UInt16(bytes[index + 1])
            units.append(unit)
            index += 2
        }
        // A high surrogate at the end waits for its partner in the next chunk.
        if let last = units.last, (0xD800...0xDBFF).contains(last) {
            units.removeLast()
            index -= 2
        }
        carry = Array(bytes[index...])
        var line = self.line
        let failed = transcode(units.makeIterator(), from: UTF16.self, to: UTF8.self, stoppingOnError: true) { unit in
            if unit == 0x0A { line += 1 }
            output.append(unit)
        }
        self.line = line
        if failed { throw .notInEncoding(encoding: encoding, line: line) }
    }
}
