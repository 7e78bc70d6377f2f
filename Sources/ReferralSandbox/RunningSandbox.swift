import ReferralModel

/// A sandbox that is listening: its address, its ready-made tokens, and
/// direct access to its state for tests. `stop()` shuts it down.
package final class RunningSandbox: Sendable {
    package let port: Int
    package let host: String
    /// A token per role; these never expire.
    package let tokens: [SandboxRole: String]
    /// For the `client_credentials` grant (yields a Referral Admin token).
    package let clientID: String
    package let clientSecret: String
    private let store: ReferralStore
    private let tokenRegistry: TokenRegistry
    private let task: Task<Void, any Error>
    private let shutdown: @Sendable () async -> Void

    init(
        port: Int, host: String, tokens: TokenRegistry, store: ReferralStore, task: Task<Void, any Error>,
        shutdown: @escaping @Sendable () async -> Void
    ) {
        self.port = port
        self.host = host
        self.tokens = tokens.readyMade
        self.clientID = tokens.clientID
        self.clientSecret = tokens.clientSecret
        self.store = store
        self.tokenRegistry = tokens
        self.task = task
        self.shutdown = shutdown
    }

    /// `http://127.0.0.1:PORT`
    package var baseURL: String { "http://\(host.contains(":") ? "[\(host)]" : host):\(port)" }

    /// Every referral as it is now (what `GET /_sandbox/referrals` returns).
    package func referrals() -> [JSONValue] { store.allReferrals() }

    /// Every applied change, oldest first (what `GET /_sandbox/log` returns).
    package func changeLog() -> [ChangeRecord] { store.changeLog() }

    /// How many tokens `POST /oauth2/token` has issued.
    package func tokensIssued() -> Int { tokenRegistry.issuedCount }

    /// Stops listening and waits until the server has shut down.
    package func stop() async {
        await shutdown()
        _ = await task.result
    }
}
