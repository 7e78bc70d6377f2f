import Foundation
import ReferralModel

/// A token endpoint's refusal of a grant (RFC 6749 §5.2): the `error` code
/// and the identity platform's `AADSTS` numbers. The `error_description`
/// is not kept: it is the server's prose, and our sentences say what to do.
package struct OAuthRefusal: Sendable, Equatable {
    package var grant: String
    package var httpStatus: Int
    /// `invalid_grant`, `authorization_pending`, `unauthorized_client`, ...
    package var error: String?
    /// `AADSTS700082` and the like, from `error_codes` or the description.
    package var codes: [String]

    package init(grant: String, httpStatus: Int, error: String?, codes: [String]) {
        self.grant = grant
        self.httpStatus = httpStatus
        self.error = error
        self.codes = codes
    }

    package init(grant: String, httpStatus: Int, json: JSONValue?) {
        var codes = (json?["error_codes"]?.arrayValue ?? []).compactMap { value -> String? in
            guard case .number(let number) = value else { return nil }
            return "AADSTS\(number)"
        }
        if codes.isEmpty, let description = json?["error_description"]?.stringValue {
            codes = Self.codes(in: description)
        }
        self.init(grant: grant, httpStatus: httpStatus, error: json?["error"]?.stringValue, codes: codes)
    }

    /// `AADSTS` followed by digits, wherever they appear in `text`.
    static func codes(in text: String) -> [String] {
        var found: [String] = []
        var rest = Substring(text)
        while let range = rest.range(of: "AADSTS") {
            let digits = rest[range.upperBound...].prefix { $0.isASCII && $0.isNumber }
            if !digits.isEmpty { found.append("AADSTS\(digits)") }
            rest = rest[range.upperBound...]
        }
        return found
    }

    /// `invalid_grant, AADSTS700082`, for a sentence.
    package var named: String { ([error ?? "HTTP \(httpStatus)"] + codes).joined(separator: ", ") }

    /// The refresh token expired, was revoked or spent: only a new sign-in helps.
    package var needsSignIn: Bool { error == "invalid_grant" || error == "interaction_required" }

    /// The identity platform will not hand this client an app-only token (the API takes App+User tokens only).
    package var refusesAppOnly: Bool {
        grant == "client_credentials" && (["unauthorized_client", "unsupported_grant_type"].contains(error ?? "") || !codes.isEmpty)
    }
}
