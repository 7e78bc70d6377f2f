/// Entity tags travel quoted (`"abc"`), weak (`W/"abc"`) or bare; all name the same tag.
package enum ETag {
    package static func unquoted(_ tag: String) -> String {
        var text = Substring(tag)
        if text.hasPrefix("W/") { text = text.dropFirst(2) }
        if text.count >= 2, text.hasPrefix("\""), text.hasSuffix("\"") { text = text.dropFirst().dropLast() }
        return String(text)
    }
}
