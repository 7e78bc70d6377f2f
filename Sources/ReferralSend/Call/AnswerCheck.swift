import Foundation
import ReferralModel
import ReferralOutcome

/// Whether an answer can be believed, judged from the answer alone.
///
/// A proxy's login page, an empty or half-sent body, a redirect: none of
/// them is the API saying "done". Only a read answered `200` with a JSON
/// referral (the one asked for) proves a referral's state, and only a
/// write answered 2xx by the endpoint itself, with no body or a JSON one,
/// proves a change. Everything else is a failure with a short reason in
/// our own words.
package enum AnswerCheck {
    package enum Read: Sendable, Equatable {
        case referral(JSONValue)
        /// Answered, but with nothing that proves anything.
        case unreadable(String)
        /// An API error (4xx, 5xx): classify it by its status.
        case apiError
    }

    package static func read(_ response: APIResponse, referralID: String) -> Read {
        if let redirect = redirect(response) { return .unreadable(redirect) }
        guard (200..<300).contains(response.status) else { return .apiError }
        guard response.status == 200 else { return .unreadable("the read was answered \(response.status), not 200 with the referral") }
        guard !response.body.isEmpty else { return .unreadable("the answer to the read was empty") }
        guard let json = response.json else { return .unreadable("the answer to the read was not JSON (\(contentType(response)))") }
        guard let id = json["id"]?.stringValue, id.caseInsensitiveCompare(referralID) == .orderedSame else {
            return .unreadable("the answer to the read was not the referral asked for")
        }
        return .referral(json)
    }

    /// Why a write's answer cannot be taken as the change being applied;
    /// nil when it can, or when it is an API error to classify by status.
    package static func writeProblem(_ response: APIResponse) -> String? {
        if let redirect = redirect(response) { return redirect }
        guard (200..<300).contains(response.status), !response.body.isEmpty, response.json == nil else { return nil }
        return "the answer to the write was not JSON (\(contentType(response)))"
    }

    /// A 404 is final (journaled as finished, never tried again), so only
    /// the API's own answer may say it: a JSON error body, or none. A
    /// gateway's or proxy's page saying 404 is a failure, tried again next run.
    package static func notFoundProblem(_ response: APIResponse) -> String? {
        guard response.status == 404, !response.body.isEmpty, response.json == nil else { return nil }
        return "404 without the API's JSON error (\(contentType(response))): not taken as not found"
    }

    /// A 3xx, which is never followed: the request would go to another
    /// place with the token and the patch.
    static func redirect(_ response: APIResponse) -> String? {
        guard (300..<400).contains(response.status) else { return nil }
        guard let location = response.header("Location") else {
            return "redirected (\(response.status)) without a Location; redirects are not followed"
        }
        let host = URL(string: location)?.host.map { ServerText.clean($0, limit: 80) } ?? "a relative location"
        return "redirected (\(response.status)) to \(host); redirects are not followed"
    }

    /// What an error answer says, in the words of `ServerError`, the one reader of error bodies.
    package static func serverMessage(_ response: APIResponse) -> String {
        ServerError(response).description
    }

    static func contentType(_ response: APIResponse) -> String {
        guard let value = response.header("Content-Type") else { return "no content type" }
        let media = value.split(separator: ";", maxSplits: 1).first.map(String.init) ?? value
        let trimmed = media.trimmingCharacters(in: .whitespaces)
        return trimmed.isEmpty ? "no content type" : ServerText.clean(trimmed, limit: 60)
    }
}
