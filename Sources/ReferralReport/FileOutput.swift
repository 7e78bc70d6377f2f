import Glibc
import ReferralModel
import Synchronization
import SystemPackage

/// Buffered text output to a file descriptor (standard output, standard
/// error, or a report file). Writing millions of plan lines one `write(2)`
/// each would cost more than planning them.
///
/// A write that fails (a full disk) is remembered, not dropped in silence:
/// `check()` throws it, naming the file, and later writes are discarded.
/// Standard output and error are never checked: a closed pipe (`| head`)
/// loses nothing but display.
package final class FileOutput: Sendable {
    package static let standardOutput = FileOutput(descriptor: .standardOutput, bufferSize: 64 * 1024, path: "standard output")
    /// Unbuffered in effect: messages to a person should appear at once.
    package static let standardError = FileOutput(descriptor: .standardError, bufferSize: 0, path: "standard error")

    package let descriptor: FileDescriptor
    /// For messages: where the bytes go.
    package let path: String
    private let bufferSize: Int

    private struct State {
        var pending: [UInt8] = []
        /// The first write that failed.
        var failure: Errno?
    }

    private let state = Mutex(State())

    package init(descriptor: FileDescriptor, bufferSize: Int, path: String = "") {
        self.descriptor = descriptor
        self.bufferSize = bufferSize
        self.path = path
    }

    package func write(_ text: String) {
        write(bytes: text.utf8)
    }

    package func write(bytes: some Sequence<UInt8>) {
        state.withLock { state in
            guard state.failure == nil else { return }
            state.pending.append(contentsOf: bytes)
            if state.pending.count > bufferSize { Self.drain(&state, to: descriptor) }
        }
    }

    package func flush() {
        state.withLock { Self.drain(&$0, to: descriptor) }
    }

    /// Flushes and closes the descriptor (report files; never standard output
    /// or error). A failed close (a network file system's late write error)
    /// is remembered like a failed write.
    package func close() {
        flush()
        do {
            try descriptor.close()
        } catch {
            remember(error as? Errno ?? .ioError)  // close throws only Errno
        }
    }

    /// Flushes and asks the kernel to put the bytes on disk.
    package func sync() {
        flush()
        if fsync(descriptor.rawValue) != 0 { remember(Errno(rawValue: errno)) }
    }

    /// Keeps the first failure: the one that explains the rest.
    private func remember(_ failure: Errno) {
        state.withLock { if $0.failure == nil { $0.failure = failure } }
    }

    /// Throws the first write that failed, if any.
    package func check() throws(OutputFailure) {
        if let failure = state.withLock({ $0.failure }) { throw OutputFailure(path: path, errno: failure.rawValue) }
    }

    /// Whether this output is a terminal (a person watching), not a file or a pipe.
    package var isTerminal: Bool { isatty(descriptor.rawValue) == 1 }

    private static func drain(_ state: inout State, to descriptor: FileDescriptor) {
        if state.failure == nil {
            do {
                try descriptor.writeAll(state.pending)
            } catch {
                state.failure = error as? Errno ?? .ioError  // writeAll throws only Errno
            }
        }
        state.pending.removeAll(keepingCapacity: true)
    }
}
