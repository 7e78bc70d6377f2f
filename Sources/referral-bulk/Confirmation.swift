import ReferralPlan
import ReferralReport

/// The question `apply` asks a person at a terminal before sending: what
/// the file asks, what cannot be undone in bold, and "send?".
enum Confirmation {
    static func ask(_ overview: ChangeOverview, target: String) -> Bool {
        let bold = { (text: String) in "\u{1B}[1m\(text)\u{1B}[0m" }
        var text = overview.lines(bold: bold).joined(separator: "\n") + "\n"
        text += "Send these changes to \(target)? [y/N] "
        FileOutput.standardError.write(text)
        guard let answer = readLine() else { return false }
        return ["y", "yes"].contains(answer.lowercased().filter { !$0.isWhitespace })
    }
}
