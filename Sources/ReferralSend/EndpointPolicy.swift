import Foundation

/// Which base URLs the tool will send a token to: any `https://` URL, and
/// `http://` only to this machine (127.0.0.0/8, `::1`, `localhost`), where
/// the sandbox runs. Anything else would put a bearer token on the wire.
public enum EndpointPolicy {
    public struct Refusal: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// The URL without a trailing slash, or a refusal saying why.
    public static func validate(_ text: String, name: String = "--endpoint") throws(Refusal) -> String {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty else {
            throw Refusal(description: "\(name) \"\(text)\" is not a URL such as https://api.partner.microsoft.com.")
        }
        switch scheme {
        case "https": break
        case "http":
            guard isLoopback(host) else {
                throw Refusal(
                    description: "\(name) uses plain http:// to \(host); tokens are only sent over https://, or http:// to this machine.")
            }
        default:
            throw Refusal(description: "\(name) must start with https://.")
        }
        return text.hasSuffix("/") ? String(text.dropLast()) : text
    }

    public static func isLoopback(_ host: String) -> Bool {
        let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).lowercased()
        if bare == "localhost" || bare == "::1" { return true }
        let parts = bare.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }
}
