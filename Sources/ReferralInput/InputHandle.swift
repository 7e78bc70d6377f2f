import Glibc

/// An input that can be read more than once: the file itself, or, for
/// standard input and pipes, a private copy spooled to an unlinked
/// temporary file. Every decision about a file (its encoding, each column's
/// conventions) is made by reading it whole before the first row is planned,
/// so even `cat file | referral-bulk apply -` is never half applied.
public final class InputHandle: Sendable {
    public let name: String
    let descriptor: Int32
    /// Whether the input was copied (standard input or a pipe): it has no
    /// path another run could read again.
    public let isSpooled: Bool

    public init(path: String) throws(CSVFileError) {
        let name = path == "-" ? "standard input" : path
        let source: Int32
        if path == "-" {
            source = STDIN_FILENO
        } else {
            source = open(path, O_RDONLY | O_CLOEXEC)
            guard source >= 0 else { throw .unreadable(path: path, reason: String(cString: strerror(errno))) }
        }
        var status = stat()
        guard fstat(source, &status) == 0 else {
            let reason = String(cString: strerror(errno))
            if source != STDIN_FILENO { close(source) }
            throw .unreadable(path: name, reason: reason)
        }
        let kind = status.st_mode & S_IFMT
        if kind == S_IFDIR {
            close(source)
            throw .unreadable(path: path, reason: "it is a directory")
        }
        self.name = name
        if kind == S_IFREG {
            self.descriptor = source
            self.isSpooled = false
            return
        }
        defer { if source != STDIN_FILENO { close(source) } }
        self.descriptor = try Self.spool(source, name: name)
        self.isSpooled = true
    }

    deinit { close(descriptor) }

    /// Copies a stream into a temporary file that is unlinked at once (mode
    /// 0600: it may hold customer data), and returns it open for reading.
    private static func spool(_ source: Int32, name: String) throws(CSVFileError) -> Int32 {
        let folder = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
        var template = Array("\(folder)/referral-bulk-input-XXXXXX".utf8CString)
        let copy = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard copy >= 0 else {
            throw .unreadable(path: name, reason: "cannot make a temporary copy in \(folder): \(String(cString: strerror(errno)))")
        }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        var buffer = [UInt8](repeating: 0, count: 256 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(source, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            if count < 0 {
                let reason = String(cString: strerror(errno))
                close(copy)
                throw .unreadable(path: name, reason: reason)
            }
            if count == 0 { break }
            var written = 0
            while written < count {
                let result = buffer[written..<count].withUnsafeBytes { Glibc.write(copy, $0.baseAddress, $0.count) }
                if result < 0, errno == EINTR { continue }
                guard result > 0 else {
                    let reason = String(cString: strerror(errno))
                    close(copy)
                    throw .unreadable(path: name, reason: "cannot make a temporary copy in \(folder): \(reason)")
                }
                written += result
            }
        }
        return copy
    }
}
