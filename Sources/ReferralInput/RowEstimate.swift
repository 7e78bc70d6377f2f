import Glibc

/// Counts the lines of a regular file up front, so progress can show
/// "done/total" and an ETA. An estimate: quoted line breaks and blank lines
/// count as rows. Nil for standard input and anything that is not a file.
public enum RowEstimate {
    public static func rows(inFile path: String) -> Int? {
        guard path != "-" else { return nil }
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else { return nil }
        var buffer = [UInt8](repeating: 0, count: 256 * 1024)
        var lineFeeds = 0
        var lastByte: UInt8 = 0x0A
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            lineFeeds += buffer[0..<count].count { $0 == 0x0A }
            lastByte = buffer[count - 1]
        }
        let lines = lineFeeds + (lastByte == 0x0A ? 0 : 1)
        return max(0, lines - 1)  // less the header
    }
}
