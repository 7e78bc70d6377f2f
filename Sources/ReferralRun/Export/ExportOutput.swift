import Glibc
import ReferralModel
import ReferralReport
import SystemPackage

/// Where an export's CSV goes. A file is written as a temporary file in the
/// same folder (`0600`: it holds customer contact data) and renamed to its
/// name only by `commit()`, after the last page: a failed export never
/// leaves a file that looks complete. Unlike `FileOutput`, every write is
/// checked, so a full disk fails the export instead of truncating the file.
package final class ExportOutput {
    private let descriptor: FileDescriptor
    /// nil: standard output.
    private let destination: (temporary: String, final: String)?
    private var buffer: [UInt8] = []
    private static let bufferSize = 256 * 1024

    /// Standard output (not closed by `commit`).
    package static func standardOutput() -> ExportOutput { ExportOutput(descriptor: .standardOutput, destination: nil) }

    /// A temporary file beside `path`, renamed to `path` by `commit()`.
    package static func file(_ path: String) throws(ExportError) -> ExportOutput {
        let slash = path.lastIndex(of: "/")
        let folder = slash.map { String(path[...$0]) } ?? ""
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        guard !name.isEmpty else { throw .outputIsFolder(path) }
        var template = Array("\(folder).\(name).partial-XXXXXX".utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else { throw .output(OutputFailure(path: path, errno: errno)) }
        fchmod(descriptor, 0o600)
        let temporary = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return ExportOutput(descriptor: FileDescriptor(rawValue: descriptor), destination: (temporary, path))
    }

    private init(descriptor: FileDescriptor, destination: (temporary: String, final: String)?) {
        self.descriptor = descriptor
        self.destination = destination
    }

    /// The temporary file being written (nil for standard output).
    package var temporaryPath: String? { destination?.temporary }

    package func write(_ bytes: [UInt8]) throws(ExportError) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= Self.bufferSize { try flush() }
    }

    package func flush() throws(ExportError) {
        do {
            try descriptor.writeAll(buffer)
        } catch {
            throw .output(OutputFailure(path: destination?.final ?? "standard output", errno: (error as? Errno ?? .ioError).rawValue))
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Everything is written: flush, sync, and give the file its name.
    package func commit() throws(ExportError) {
        try flush()
        guard let destination else { return }
        do {
            try descriptor.closeAfter { guard fsync(descriptor.rawValue) == 0 else { throw Errno(rawValue: errno) } }
        } catch {
            unlink(destination.temporary)
            throw .output(OutputFailure(path: destination.final, errno: (error as? Errno ?? .ioError).rawValue))
        }
        guard rename(destination.temporary, destination.final) == 0 else {
            let failure = OutputFailure(path: destination.final, errno: errno)
            unlink(destination.temporary)
            throw .output(failure)
        }
    }

    /// The export failed: remove the temporary file (standard output keeps what it got).
    package func discard() {
        buffer.removeAll()
        guard let destination else { return }
        try? descriptor.close()
        unlink(destination.temporary)
    }
}
