import Glibc
import SystemPackage

/// An input that can be read more than once: the file itself, or, for
/// standard input and pipes, a private copy spooled to an unlinked
/// temporary file. Every decision about a file (its encoding, each column's
/// conventions) is made by reading it whole before the first row is planned,
/// so even `cat file | referral-bulk apply -` is never half applied.
package final class InputHandle: Sendable {
    package let name: String
    let descriptor: FileDescriptor
    /// Whether the input was copied (standard input or a pipe): it has no
    /// path another run could read again.
    package let isSpooled: Bool
    /// For a workbook: its entries as expanded by the first pass.
    let extractedParts = ExtractedParts()

    package init(path: String) throws(CSVFileError) {
        let name = path == "-" ? "standard input" : path
        let source: FileDescriptor
        if path == "-" {
            source = .standardInput
        } else {
            do {
                source = try FileDescriptor.open(FilePath(path), .readOnly, options: .closeOnExec)
            } catch {
                throw .unreadable(path: path, reason: "\(error)")
            }
        }
        let kind: FileType
        do {
            kind = try source.stat().type
        } catch {
            if source != .standardInput { try? source.close() }
            throw .unreadable(path: name, reason: "\(error)")
        }
        if kind == .directory {
            try? source.close()
            throw .unreadable(path: path, reason: "it is a directory")
        }
        self.name = name
        if kind == .regular {
            self.descriptor = source
            self.isSpooled = false
            return
        }
        defer { if source != .standardInput { try? source.close() } }
        self.descriptor = try Self.spool(source, name: name)
        self.isSpooled = true
    }

    /// A handle over a temporary file (`temporaryFile`), read from its first byte.
    init(temporary descriptor: FileDescriptor, name: String) {
        self.name = name
        self.descriptor = descriptor
        self.isSpooled = true
    }

    deinit { try? descriptor.close() }

    /// A temporary file, unlinked at once and open for reading and writing
    /// (mode 0600: it may hold customer data).
    static func temporaryFile() throws(CSVFileError) -> FileDescriptor {
        let folder = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
        var template = Array("\(folder)/referral-bulk-input-XXXXXX".utf8CString)
        // mkstemp: swift-system has no temporary file that stays open.
        let created = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard created >= 0 else {
            throw .unreadable(path: folder, reason: "cannot make a temporary file: \(Errno(rawValue: errno))")
        }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        return FileDescriptor(rawValue: created)
    }

    /// Copies a stream into a temporary file and returns it open for reading.
    private static func spool(_ source: FileDescriptor, name: String) throws(CSVFileError) -> FileDescriptor {
        let folder = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
        let copy = try temporaryFile()
        var buffer = [UInt8](repeating: 0, count: 256 * 1024)
        while true {
            let count: Int
            do {
                count = try buffer.withUnsafeMutableBytes { try source.read(into: $0) }
            } catch {
                try? copy.close()
                throw .unreadable(path: name, reason: "\(error)")
            }
            if count == 0 { break }
            do {
                try copy.writeAll(buffer[..<count])
            } catch {
                try? copy.close()
                throw .unreadable(path: name, reason: "cannot make a temporary copy in \(folder): \(error)")
            }
        }
        return copy
    }
}
