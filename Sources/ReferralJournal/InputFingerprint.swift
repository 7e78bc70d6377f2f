import Crypto
import ReferralInput

/// Identifies one input file's content (and the options that change how it
/// is read), so a journal belongs to exactly that file: edit the file and
/// the next run starts a new journal. Computed by streaming the file.
///
/// SHA-256 in one pass, so the value does not depend on how the file is cut
/// into chunks. (Journals of versions that used two FNV lanes hold other
/// fingerprints: their next run starts a new journal, as after an edit.)
package enum InputFingerprint {
    /// Nil for standard input, which cannot be read twice.
    package static func of(path: String, options: [String], chunkSize: Int = 256 * 1024) throws(CSVFileError) -> String? {
        guard path != "-" else { return nil }
        let source = try ByteSource(path: path, chunkSize: chunkSize)
        var hash = SHA256()
        while true {
            let chunk = try source.read()
            if chunk.isEmpty { break }
            chunk.withUnsafeBytes { hash.update(bufferPointer: $0) }
        }
        for option in options {
            // Each option ends with a byte that UTF-8 never holds: ("ab","c") and ("a","bc") differ.
            (Array(option.utf8) + [0xFF]).withUnsafeBytes { hash.update(bufferPointer: $0) }
        }
        return hash.finalize().map { byte in (byte < 16 ? "0" : "") + String(byte, radix: 16) }.joined()
    }
}
