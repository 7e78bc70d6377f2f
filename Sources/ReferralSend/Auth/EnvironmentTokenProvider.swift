import Foundation

/// A token from an environment variable (`--token-env`, default
/// `PARTNER_CENTER_TOKEN`). It cannot be refreshed: a 401 is final.
struct EnvironmentTokenProvider: TokenProvider {
    let name: String
    private let value: Result<Secret, TokenError>

    init(name: String, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.name = name
        if let text = environment[name], !text.isEmpty {
            value = Result { () throws(TokenError) in try BearerToken.parse(text, from: "the environment variable \(name)") }
        } else {
            value = .failure(.variableNotSet(name: name))
        }
    }

    func token() async throws -> Secret { try value.get() }

    func tokenRejected(_ rejected: Secret) async throws -> Secret {
        throw TokenError.rejectedVariable(name: name)
    }

    func checkBeforeStart() async throws(TokenError) { _ = try value.get() }
}
