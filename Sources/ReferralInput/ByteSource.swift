import SystemPackage

/// Reads a file or standard input in fixed-size chunks through a file
/// descriptor, so that memory does not grow with the file.
package final class ByteSource {
    package let name: String
    private let descriptor: FileDescriptor
    private let ownsDescriptor: Bool
    /// Set when reading an `InputHandle`: each source reads it from the
    /// start with `pread`, so one handle serves several passes.
    private var offset: Int64?
    private let handle: InputHandle?
    private var buffer: [UInt8]

    /// Opens `path`, or standard input when `path` is `-`.
    package init(path: String, chunkSize: Int = 64 * 1024) throws(CSVFileError) {
        if path == "-" {
            self.descriptor = .standardInput
            self.ownsDescriptor = false
            self.name = "standard input"
        } else {
            let descriptor: FileDescriptor
            do {
                descriptor = try FileDescriptor.open(FilePath(path), .readOnly, options: .closeOnExec)
            } catch {
                throw .unreadable(path: path, reason: "\(error)")
            }
            if (try? descriptor.stat())?.type == .directory {
                try? descriptor.close()
                throw .unreadable(path: path, reason: "it is a directory")
            }
            self.descriptor = descriptor
            self.ownsDescriptor = true
            self.name = path
        }
        self.handle = nil
        self.buffer = [UInt8](repeating: 0, count: chunkSize)
    }

    /// A pass over `handle` from its first byte.
    package init(handle: InputHandle, chunkSize: Int = 64 * 1024) {
        self.handle = handle
        self.descriptor = handle.descriptor
        self.ownsDescriptor = false
        self.name = handle.name
        self.offset = 0
        self.buffer = [UInt8](repeating: 0, count: chunkSize)
    }

    deinit {
        if ownsDescriptor { try? descriptor.close() }
    }

    /// The next chunk, or an empty array at the end of the input: one
    /// `read` (or `pread`) per chunk, retried when a signal interrupts it.
    package func read() throws(CSVFileError) -> ArraySlice<UInt8> {
        do {
            let count = try buffer.withUnsafeMutableBytes { bytes in
                if let offset { try descriptor.read(fromAbsoluteOffset: offset, into: bytes) } else { try descriptor.read(into: bytes) }
            }
            offset? += Int64(count)
            return buffer[0..<count]
        } catch {
            throw .unreadable(path: name, reason: "\(error)")
        }
    }
}
