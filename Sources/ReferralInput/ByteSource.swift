import Glibc

/// Reads a file or standard input in fixed-size chunks through a file
/// descriptor, so that memory does not grow with the file.
public final class ByteSource {
    public let name: String
    private let descriptor: Int32
    private let ownsDescriptor: Bool
    /// Set when reading an `InputHandle`: each source reads it from the
    /// start with `pread`, so one handle serves several passes.
    private var offset: Int?
    private let handle: InputHandle?
    private var buffer: [UInt8]

    /// Opens `path`, or standard input when `path` is `-`.
    public init(path: String, chunkSize: Int = 64 * 1024) throws(CSVFileError) {
        if path == "-" {
            self.descriptor = STDIN_FILENO
            self.ownsDescriptor = false
            self.name = "standard input"
        } else {
            let descriptor = open(path, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else { throw .unreadable(path: path, reason: String(cString: strerror(errno))) }
            var status = stat()
            if fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFDIR {
                close(descriptor)
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
    public init(handle: InputHandle, chunkSize: Int = 64 * 1024) {
        self.handle = handle
        self.descriptor = handle.descriptor
        self.ownsDescriptor = false
        self.name = handle.name
        self.offset = 0
        self.buffer = [UInt8](repeating: 0, count: chunkSize)
    }

    deinit {
        if ownsDescriptor { close(descriptor) }
    }

    /// The next chunk, or an empty array at the end of the input.
    public func read() throws(CSVFileError) -> ArraySlice<UInt8> {
        while true {
            let count = buffer.withUnsafeMutableBytes { bytes in
                if let offset { pread(descriptor, bytes.baseAddress, bytes.count, off_t(offset)) } else {
                    Glibc.read(descriptor, bytes.baseAddress, bytes.count)
                }
            }
            if count >= 0 {
                offset? += count
                return buffer[0..<count]
            }
            if errno == EINTR { continue }
            throw .unreadable(path: name, reason: String(cString: strerror(errno)))
        }
    }
}
