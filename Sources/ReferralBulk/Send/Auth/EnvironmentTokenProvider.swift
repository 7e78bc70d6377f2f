import Foundation

/// A token from an environment variable (`--token-env`, default
/// `PARTNER_CENTER_TOKEN`). It cannot be refreshed: a 401 is final.
public struct EnvironmentTokenProvider: TokenProvider {
    public let name: String
    private let value: Secret?

    public init(name: String, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.name = name
        self.value = environment[name].flatMap { $0.isEmpty ? nil : Secret($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    public func token() async throws -> Secret {
        guard let value else { throw TokenError("the environment variable \(name) holds no token") }
        return value
    }

    public func tokenRejected(_ rejected: Secret) async throws -> Secret {
        throw TokenError("the token in \(name) was rejected, and it cannot be refreshed")
    }
}
