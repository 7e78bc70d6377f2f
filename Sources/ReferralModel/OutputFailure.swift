import Glibc

/// A report or journal file that could not be written (a full disk, a
/// file-size limit, an I/O error). It stops the run: a report or journal
/// with rows missing would break the promise that every row is accounted for.
package struct OutputFailure: Error, Sendable, Equatable, CustomStringConvertible {
    package var path: String
    package var errno: Int32

    package init(path: String, errno: Int32) {
        self.path = path
        self.errno = errno
    }

    package var description: String { "cannot write \(path): \(String(cString: strerror(errno)))" }
}
