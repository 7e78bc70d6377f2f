import Hummingbird
import Logging
import NIOCore
import ReferralModel
import ServiceLifecycle

/// Starts the sandbox: a real HTTP server on a loopback port.
package enum SandboxServer {
    /// Why the sandbox is not listening.
    package enum StartError: Error, Sendable, Equatable, CustomStringConvertible {
        /// The server could not bind `host:port`; `reason` is the server's error.
        case cannotListen(host: String, port: Int, reason: String)

        package var description: String {
            switch self {
            case .cannotListen(let host, let port, let reason): "the sandbox could not listen on \(host):\(port): \(reason)"
            }
        }
    }

    /// Warnings and errors to standard error: standard output belongs to the URL and tokens.
    package static var defaultLogger: Logger {
        var logger = Logger(label: "referral-sandbox") { label in StreamLogHandler.standardError(label: label) }
        logger.logLevel = Logger.Level.warning
        return logger
    }

    /// Starts listening and returns once the port is bound.
    package static func start(
        _ configuration: SandboxConfiguration, referrals: [JSONValue], logger: Logger = defaultLogger
    ) async throws -> RunningSandbox {
        let tokens = TokenRegistry(
            seed: configuration.seed, lifetime: configuration.tokenTTL, refreshLifetime: configuration.refreshTokenLifetime,
            now: configuration.now, stateFile: configuration.identityPath.map { IdentityStateFile(path: $0) })
        let store: ReferralStore
        if let statePath = configuration.statePath {
            let (file, current, changes) = try SandboxStateFile.open(path: statePath, seed: referrals, reset: configuration.resetState)
            store = ReferralStore(referrals: current, seed: configuration.seed, stateFile: file, changes: changes)
        } else {
            store = ReferralStore(referrals: referrals, seed: configuration.seed)
        }
        let router = SandboxRoutes(configuration: configuration, store: store, tokens: tokens).router()
        let (bound, boundContinuation) = AsyncStream.makeStream(of: Int.self)
        let application = Application(
            router: router,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "referral-sandbox"),
            onServerRunning: { channel in
                boundContinuation.yield(channel.localAddress?.port ?? 0)
                boundContinuation.finish()
            },
            logger: logger)
        // A service group of our own, so that stop() can shut down gracefully.
        let services = ServiceGroup(configuration: .init(services: [application], logger: logger))
        let task = Task {
            defer { boundContinuation.finish() }
            try await services.run()
        }
        var iterator = bound.makeAsyncIterator()
        guard let port = await iterator.next() else {
            let failure = await task.result
            throw StartError.cannotListen(host: configuration.host, port: configuration.port, reason: "\(failure)")
        }
        return RunningSandbox(
            port: port, host: configuration.host, tokens: tokens, store: store, task: task,
            shutdown: { await services.triggerGracefulShutdown() })
    }
}
