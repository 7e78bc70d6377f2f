import Glibc

/// A report or journal file that could not be written (a full disk, a
/// file-size limit, an I/O error). It stops the run: a report or journal
/// with rows missing would break the promise that every row is accounted for.
public struct OutputFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var errno: Int32

    public init(path: String, errno: Int32) {
        self.path = path
        self.errno = errno
    }

    public var description: String { "cannot write \(path): \(String(cString: strerror(errno)))" }
}
