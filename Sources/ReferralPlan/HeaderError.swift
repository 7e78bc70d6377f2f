import Foundation
import ReferralModel

/// Why a header cannot be used: the whole file is refused (exit 2).
package enum HeaderError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The header read has no ID column; `likelyHeaderLine` is a later line that has one (a title row above the header).
    case noIDColumn(header: [String], likelyHeaderLine: Int?)
    case duplicateColumn(first: String, second: String)
    case unknownColumn(String, suggestion: String?)
    case invalidPointer(header: String, reason: String)
    case readOnlyPointer(header: String)
    case nothingToChange
    case incompleteLongLayout(missing: [String])

    package var description: String {
        switch self {
        case .noIDColumn(let header, let likely):
            noIDColumnSentence(header: header, likelyHeaderLine: likely)
        case .duplicateColumn(let first, let second):
            first == second
                ? "the column \"\(first)\" appears twice in the header; keep one."
                : "the columns \"\(first)\" and \"\(second)\" both set the same field; keep one."
        case .unknownColumn(let name, let suggestion):
            "unknown column \"\(name)\"" + (suggestion.map { " (did you mean \"\($0)\"?)" } ?? "")
                + "; rename it, or pass --ignore-unknown-columns."
        case .invalidPointer(let header, let reason):
            "the column \"\(header)\" is not a valid JSON Pointer: \(reason)."
        case .readOnlyPointer(let header):
            "the column \"\(header)\" points at a read-only field, which the API does not let a patch change."
        case .nothingToChange:
            "the header names an ID column but no field to change."
        case .incompleteLongLayout(let missing):
            "the long layout needs the columns id, op, path and value; missing: \(missing.joined(separator: ", "))."
        }
    }
}

extension HeaderError {
    private func noIDColumnSentence(header: [String], likelyHeaderLine: Int?) -> String {
        let names = FieldCatalog.idNames.map { "\"\($0)\"" }.joined(separator: ", ").replacingLast(", ", with: " or ")
        // A title row is padded with empty cells to the sheet's width: they say nothing.
        let cells = header.reversed().drop { $0.isBlank }.reversed()
        let shown = InputProblem.printable(cells.joined(separator: " | "))
        var sentence = "the line read as the header (\"\(shown)\") has no referral ID column (\(names))"
        if let likelyHeaderLine {
            sentence += "; line \(likelyHeaderLine) looks like the header: pass --header-line \(likelyHeaderLine)"
        } else if header.count == 1 {
            sentence += "; it was read as one single column: is the delimiter right? (--delimiter)"
        }
        return sentence + "."
    }
}

extension String {
    fileprivate func replacingLast(_ target: String, with replacement: String) -> String {
        guard let range = range(of: target, options: .backwards) else { return self }
        return replacingCharacters(in: range, with: replacement)
    }
}
