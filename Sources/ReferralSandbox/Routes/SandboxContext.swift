import Hummingbird
import NIOCore

/// The request context: Hummingbird's core storage plus the connection, so
/// that fault injection can close it without an answer.
struct SandboxContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }
}

/// Thrown after the connection was closed on purpose: there is nothing to answer.
struct ConnectionDropped: Error {}
