import Foundation

/// Which base URLs the tool will send a token to: any `https://` URL, and
/// `http://` only to this machine (127.0.0.0/8, `::1`, `localhost`), where
/// the sandbox runs. Anything else would put a bearer token on the wire.
package enum EndpointPolicy {
    /// Why a URL given as `option` (e.g. `--endpoint`) is not used.
    package enum Refusal: Error, Sendable, Equatable, CustomStringConvertible {
        /// `text` has no scheme or host.
        case notAURL(option: String, text: String)
        /// Plain `http://` to `host`, which is not this machine.
        case plainHTTP(option: String, host: String)
        /// A scheme other than https and http.
        case unsupportedScheme(option: String, scheme: String)

        package var description: String {
            switch self {
            case .notAURL(let option, let text): "\(option) \"\(text)\" is not a URL such as https://api.partner.microsoft.com."
            case .plainHTTP(let option, let host):
                "\(option) uses plain http:// to \(host); tokens are only sent over https://, or http:// to this machine."
            case .unsupportedScheme(let option, _): "\(option) must start with https://."
            }
        }
    }

    /// The URL without a trailing slash, or a refusal saying why.
    package static func validate(_ text: String, name: String = "--endpoint") throws(Refusal) -> String {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty else {
            throw .notAURL(option: name, text: text)
        }
        switch scheme {
        case "https": break
        case "http":
            guard isLoopback(host) else {
                throw .plainHTTP(option: name, host: host)
            }
        default:
            throw .unsupportedScheme(option: name, scheme: scheme)
        }
        return text.hasSuffix("/") ? String(text.dropLast()) : text
    }

    package static func isLoopback(_ host: String) -> Bool {
        let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).lowercased()
        if bare == "localhost" || bare == "::1" { return true }
        let parts = bare.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }
}
