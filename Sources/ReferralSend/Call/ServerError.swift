import Foundation
import ReferralModel
import ReferralOutcome

/// What an error answer says, read from its status, body and content type:
/// the one reader of error bodies, used for every outcome's message (and
/// so `results.csv`, `retry.csv`'s `Errors`, `report.html` and the logs).
///
/// It understands the three shapes met in front of this API:
/// - the documented error object,
///   `{"error":{"code","message","target","innerError":{"code",...}}}`,
///   with its chain of inner errors (a real 412 carries inner code `99918`);
/// - a gateway's `{"statusCode":429,"message":"Rate limit is exceeded..."}`;
/// - older Partner Center APIs' `{"code","description"}` (or `message`).
///
/// Anything else (an HTML page, an empty body) is described by its status,
/// with a plain explanation where the status has one (413, a gateway's
/// 502/503/504). Every piece of server text is cleaned (`ServerText`):
/// capped, control characters escaped. Pure: a function of its inputs.
struct ServerError: Sendable, Equatable, CustomStringConvertible {
    enum Shape: Sendable, Equatable {
        /// The documented `error` object.
        case errorObject
        /// A gateway's `statusCode`/`message`.
        case gateway
        /// `code`/`description` at the top level.
        case legacy
        /// A body that is not JSON (an HTML page), with its media type.
        case notJSON(String)
        /// JSON with none of the known members.
        case unknownJSON
        case empty
    }

    var status: Int
    var shape: Shape
    var code: String?
    var message: String?
    var target: String?
    /// The codes of the inner errors, outermost first (`["99918"]`).
    var innerCodes: [String]
    /// The inner errors' messages, outermost first.
    var innerMessages: [String]
    /// An HTML page's `<title>`, when the body is one.
    var pageTitle: String?

    /// Longest message kept (the API's are at most 1,024 characters).
    static let messageLimit = 300
    static let codeLimit = 60
    /// Inner errors followed at most (a server cannot make us walk forever).
    static let innerDepth = 8

    init(status: Int, body: [UInt8], contentType: String?) {
        self.status = status
        innerCodes = []
        innerMessages = []
        guard !body.isEmpty else {
            shape = .empty
            return
        }
        guard let json = try? JSONParser.parse(body) else {
            shape = .notJSON(Self.mediaType(contentType))
            pageTitle = Self.title(of: body)
            return
        }
        guard case .object = json else {
            shape = .unknownJSON
            return
        }
        if let error = json["error"], case .object = error {
            shape = .errorObject
            code = Self.text(error["code"], limit: Self.codeLimit)
            message = Self.text(error["message"], limit: Self.messageLimit)
            target = Self.text(error["target"], limit: Self.codeLimit)
            var inner = error["innerError"] ?? error["innererror"]
            for _ in 0..<Self.innerDepth {
                guard let current = inner, case .object = current else { break }
                if let code = Self.text(current["code"], limit: Self.codeLimit) { innerCodes.append(code) }
                if let message = Self.text(current["message"], limit: Self.messageLimit) { innerMessages.append(message) }
                inner = current["innerError"] ?? current["innererror"]
            }
        } else if json["statusCode"] != nil, json["message"] != nil {
            shape = .gateway
            message = Self.text(json["message"], limit: Self.messageLimit)
        } else if json["code"] != nil || json["description"] != nil || json["message"] != nil {
            shape = .legacy
            code = Self.text(json["code"], limit: Self.codeLimit)
            message = Self.text(json["description"] ?? json["message"], limit: Self.messageLimit)
        } else {
            shape = .unknownJSON
        }
    }

    init(_ response: APIResponse) {
        self.init(status: response.status, body: response.body, contentType: response.header("Content-Type"))
    }

    /// Whether the answer came from something in front of the API rather
    /// than the API itself: a 502/503/504 without the API's own JSON error.
    var fromGateway: Bool {
        guard (502...504).contains(status) else { return false }
        switch shape {
        case .errorObject, .legacy: return false
        case .gateway, .notJSON, .empty, .unknownJSON: return true
        }
    }

    /// `412 preconditionFailed (99918): <message>`; the server's words
    /// first, then ours where the status has a plain explanation.
    var description: String {
        var head = String(status)
        if let code { head += " \(code)" }
        if !innerCodes.isEmpty { head += " (\(innerCodes.joined(separator: ", ")))" }
        var said = message.map { [$0] } ?? []
        for inner in innerMessages where !said.contains(where: { Self.overlaps($0, inner) }) { said.append(inner) }
        var parts = said.isEmpty ? [] : [said.joined(separator: " ")]
        if let explanation { parts.append(explanation) }
        if parts.isEmpty { parts.append(shapeNote) }
        return "\(head): \(parts.joined(separator: "; "))"
    }

    /// Our plain words for a status a person may not know.
    var explanation: String? {
        if status == 413 { return "the patch is larger than the API (or a proxy in front of it) accepts" }
        guard fromGateway else { return nil }
        let what: String
        switch shape {
        case .notJSON(let media): what = pageTitle.map { "a page \"\($0)\" (\(media))" } ?? "a page (\(media))"
        case .empty: what = "an empty body"
        default: what = "no answer from the API itself"
        }
        return "a gateway in front of the API answered \(what): the API behind it did not answer"
    }

    /// What the body was, when it says nothing.
    private var shapeNote: String {
        switch shape {
        case .empty: "no error body"
        case .notJSON(let media): pageTitle.map { "\"\($0)\" (\(media), not the API's JSON error)" } ?? "not the API's JSON error (\(media))"
        default: "an error body without a message"
        }
    }

    /// Whether one message already says the other (a real 412's inner
    /// message repeats the outer one's point in other words; ours repeats it).
    static func overlaps(_ a: String, _ b: String) -> Bool {
        let a = a.lowercased(), b = b.lowercased()
        return a.contains(b) || b.contains(a)
    }

    /// A string or number member, cleaned; nil when absent, null or empty.
    static func text(_ value: JSONValue?, limit: Int) -> String? {
        let raw: String?
        switch value {
        case .string(let string)?: raw = string
        case .number(let number)?: raw = "\(number)"
        default: raw = nil
        }
        guard let raw, !raw.isBlank else { return nil }
        return ServerText.clean(String(raw.trimmingSpaces), limit: limit)
    }

    static func mediaType(_ contentType: String?) -> String {
        let media = contentType?.split(separator: ";", maxSplits: 1).first.map { String($0.trimmingSpaces) } ?? ""
        return media.isEmpty ? "no content type" : ServerText.clean(media, limit: codeLimit)
    }

    /// The `<title>` of an HTML page (nginx: `502 Bad Gateway`), from its first 4 kB.
    static func title(of body: [UInt8]) -> String? {
        let text = String(decoding: body.prefix(4096), as: UTF8.self)
        guard let open = text.range(of: "<title>", options: .caseInsensitive),
            let close = text.range(of: "</title>", options: .caseInsensitive, range: open.upperBound..<text.endIndex)
        else { return nil }
        let title = text[open.upperBound..<close.lowerBound].trimmingSpaces
        return title.isEmpty ? nil : ServerText.clean(String(title), limit: 80)
    }
}
