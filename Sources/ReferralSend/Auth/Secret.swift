/// A bearer token or client secret. Printing it, interpolating it or
/// dumping it shows `<redacted>`: the value is reachable only through
/// `revealed`, which the HTTP client alone calls.
public struct Secret: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public let revealed: String

    public init(_ value: String) { revealed = value }

    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
    public var customMirror: Mirror { Mirror(self, children: []) }
}
