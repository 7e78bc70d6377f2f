import SystemPackage

/// Counts the lines of a regular file up front, so progress can show
/// "done/total" and an ETA. An estimate: quoted line breaks and blank lines
/// count as rows. Nil for standard input, anything that is not a file, and
/// a workbook (a ZIP archive: its compressed bytes have no lines to count).
package enum RowEstimate {
    package static func rows(inFile path: String) -> Int? {
        guard path != "-" else { return nil }
        guard let descriptor = try? FileDescriptor.open(FilePath(path), .readOnly, options: .closeOnExec) else { return nil }
        defer { try? descriptor.close() }
        guard (try? descriptor.stat())?.type == .regular else { return nil }
        var buffer = [UInt8](repeating: 0, count: 256 * 1024)
        var lineFeeds = 0
        var lastByte: UInt8 = 0x0A
        var first = true
        while true {
            // A read error ends the count: this is only an estimate, and the reader reports the error.
            let count = (try? buffer.withUnsafeMutableBytes { try descriptor.read(into: $0) }) ?? 0
            guard count > 0 else { break }
            if first, buffer.starts(with: [0x50, 0x4B, 0x03, 0x04]) { return nil }
            first = false
            lineFeeds += buffer[0..<count].count { $0 == 0x0A }
            lastByte = buffer[count - 1]
        }
        let lines = lineFeeds + (lastByte == 0x0A ? 0 : 1)
        return max(0, lines - 1)  // less the header
    }
}
