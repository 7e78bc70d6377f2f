/// A bearer token or client secret. Printing it, interpolating it or
/// dumping it shows `<redacted>`: the value is reachable only through
/// `revealed`, which the HTTP client alone calls.
package struct Secret: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    package let revealed: String

    package init(_ value: String) { revealed = value }

    package var description: String { "<redacted>" }
    package var debugDescription: String { "<redacted>" }
    package var customMirror: Mirror { Mirror(self, children: []) }
}
