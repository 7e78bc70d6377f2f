import Foundation

/// The entries of an input's workbook already expanded into temporary
/// files, by name: the column survey and each planning pass read the same
/// sheet, and it is expanded (and its size checked) once, not once a pass.
/// Temporary files, not bytes: memory stays flat.
final class ExtractedParts: @unchecked Sendable {  // the lock guards `parts`
    private let lock = NSLock()
    private var parts: [String: InputHandle] = [:]
    /// An .xlsx's shared-string table, read by the first pass: the one thing held whole.
    private var strings: [String]?

    func part(_ name: String) -> InputHandle? { lock.withLock { parts[name] } }

    func keep(_ part: InputHandle, as name: String) { lock.withLock { parts[name] = part } }

    var sharedStrings: [String]? {
        get { lock.withLock { strings } }
        set { lock.withLock { strings = newValue } }
    }
}
