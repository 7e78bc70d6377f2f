import Glibc
import ReferralInput
import ReferralPlan

/// Identifies one input file's content (and the options that change how it
/// is read), so a journal belongs to exactly that file: edit the file and
/// the next run starts a new journal. Computed by streaming the file.
public enum InputFingerprint {
    /// Nil for standard input, which cannot be read twice.
    public static func of(path: String, options: [String]) throws(CSVFileError) -> String? {
        guard path != "-" else { return nil }
        let source = try ByteSource(path: path, chunkSize: 256 * 1024)
        // Two independent lanes: 128 bits, so that two different files never share a journal in practice.
        var first = StableHash()
        var second = StableHash(seed: 0x8422_2325_cbf2_9ce4)
        while true {
            let chunk = try source.read()
            if chunk.isEmpty { break }
            first.combine(chunk)
            second.combine(chunk.reversed())
        }
        for option in options {
            first.combine(option)
            second.combine(option)
        }
        return first.hex + second.hex
    }
}
