import Foundation

/// A token from an environment variable (`--token-env`, default
/// `PARTNER_CENTER_TOKEN`). It cannot be refreshed: a 401 is final.
package struct EnvironmentTokenProvider: TokenProvider {
    package let name: String
    private let value: Result<Secret, TokenError>

    package init(name: String, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.name = name
        if let text = environment[name], !text.isEmpty {
            value = Result { () throws(TokenError) in try BearerToken.parse(text, from: "the environment variable \(name)") }
        } else {
            value = .failure(.variableNotSet(name: name))
        }
    }

    package func token() async throws -> Secret { try value.get() }

    package func tokenRejected(_ rejected: Secret) async throws -> Secret {
        throw TokenError.rejectedVariable(name: name)
    }

    package func checkBeforeStart() async throws(TokenError) { _ = try value.get() }
}
