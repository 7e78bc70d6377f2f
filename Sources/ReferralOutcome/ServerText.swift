/// Text a server sent (an error `code` or `description`, a `Location`
/// host, a content type) made safe to put in a report, the journal or a
/// log: control characters escaped, so no cell or line can be forged, and
/// the length capped, so a server cannot fill the report with one answer.
package enum ServerText {
    package static func clean(_ text: String, limit: Int = 160) -> String {
        var result = ""
        var count = 0
        for scalar in text.unicodeScalars {
            guard count < limit else { return result + "…" }
            if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) {
                result += "\\u{\(String(scalar.value, radix: 16))}"
            } else {
                result.unicodeScalars.append(scalar)
            }
            count += 1
        }
        return result
    }
}
