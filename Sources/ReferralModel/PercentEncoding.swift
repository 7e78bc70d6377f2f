import Foundation

/// Percent-encoding with RFC 3986's unreserved characters (ASCII letters,
/// digits, `-._~`) left as they are: a referral ID in a path segment, an
/// OData option's value, a form field. `CharacterSet.alphanumerics` is not
/// this set: it holds every Unicode letter, which must be encoded too.
package enum PercentEncoding {
    package static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    /// `text` with every character outside the unreserved set percent-encoded (UTF-8).
    package static func encode(_ text: String) -> String { text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? "" }
}
