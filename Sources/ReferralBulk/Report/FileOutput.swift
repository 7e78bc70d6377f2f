import Glibc
import Synchronization

/// Buffered text output to a file descriptor (standard output, standard
/// error, or a report file). Writing millions of plan lines one `write(2)`
/// each would cost more than planning them.
public final class FileOutput: Sendable {
    public static let standardOutput = FileOutput(descriptor: STDOUT_FILENO, bufferSize: 64 * 1024)
    /// Unbuffered in effect: messages to a person should appear at once.
    public static let standardError = FileOutput(descriptor: STDERR_FILENO, bufferSize: 0)

    public let descriptor: Int32
    private let bufferSize: Int
    private let buffer = Mutex<[UInt8]>([])

    public init(descriptor: Int32, bufferSize: Int) {
        self.descriptor = descriptor
        self.bufferSize = bufferSize
    }

    public func write(_ text: String) {
        write(bytes: text.utf8)
    }

    public func write(bytes: some Sequence<UInt8>) {
        buffer.withLock { pending in
            pending.append(contentsOf: bytes)
            if pending.count > bufferSize { Self.drain(&pending, to: descriptor) }
        }
    }

    public func flush() {
        buffer.withLock { Self.drain(&$0, to: descriptor) }
    }

    /// Flushes and closes the descriptor (report files; never standard output or error).
    public func close() {
        flush()
        Glibc.close(descriptor)
    }

    /// Flushes and asks the kernel to put the bytes on disk.
    public func sync() {
        flush()
        fsync(descriptor)
    }

    /// Whether this output is a terminal (a person watching), not a file or a pipe.
    public var isTerminal: Bool { isatty(descriptor) == 1 }

    private static func drain(_ pending: inout [UInt8], to descriptor: Int32) {
        var offset = 0
        while offset < pending.count {
            let written = pending[offset...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                break  // A closed pipe (e.g. `| head`): nothing more can be shown, and nothing is lost but display.
            }
            offset += written
        }
        pending.removeAll(keepingCapacity: true)
    }
}
