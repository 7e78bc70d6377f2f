import Foundation
import ReferralModel

/// Microsoft's documented referral examples, as vendored verbatim in
/// `Tests/ReferralSandboxTests/Fixtures/partner-center-docs/EXAMPLES.md`:
/// each fenced block with the `### 2.x` section it sits in, so a test
/// takes its requests and bodies from the docs rather than from memory.
package struct DocumentedExamples: Sendable {
    package struct Block: Sendable {
        /// `2.1`, `2.8`: the number of the section the block sits in.
        package var section: String
        package var lines: [String]

        /// The request or status line (`PATCH https://…`, `HTTP/1.1 204 No Content`).
        package var firstLine: String { lines.first ?? "" }

        /// Header lines between the first line and the first blank one.
        package var headers: [(String, String)] {
            guard !firstLine.hasPrefix("{"), !firstLine.hasPrefix("[") else { return [] }
            return lines.dropFirst().prefix { !$0.trimmingCharacters(in: .whitespaces).isEmpty }.compactMap { line in
                guard let colon = line.firstIndex(of: ":") else { return nil }
                return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
            }
        }

        /// The JSON the block carries: from its first line opening an object or array.
        package var body: String? {
            guard let start = lines.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces).first.map { "{[".contains($0) } == true })
            else { return nil }
            return lines[start...].joined(separator: "\n")
        }

        package func json() throws -> JSONValue { try JSONParser.parse(Array((body ?? "").utf8)) }
    }

    package let blocks: [Block]

    /// The vendored folder (beside its README, which carries the licence note).
    package static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Tests/ReferralSandboxTests/Fixtures/partner-center-docs")

    package static func load() throws -> DocumentedExamples {
        let text = try String(contentsOf: folder.appendingPathComponent("EXAMPLES.md"), encoding: .utf8)
        var blocks: [Block] = []
        var section = ""
        var open: [String]?
        for line in text.components(separatedBy: "\n") {
            if line.hasPrefix("```") {
                if let lines = open {
                    blocks.append(Block(section: section, lines: lines))
                    open = nil
                } else {
                    open = []
                }
            } else if open != nil {
                open?.append(line)
            } else if line.hasPrefix("### "), let number = line.dropFirst(4).split(separator: " ").first {
                section = String(number)
            }
        }
        return DocumentedExamples(blocks: blocks)
    }

    package func blocks(in section: String) -> [Block] { blocks.filter { $0.section == section } }
}
