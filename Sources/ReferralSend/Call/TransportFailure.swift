import AsyncHTTPClient
import Glibc
import NIOCore
import NIOPosix
import NIOSSL

/// Why an attempt got no answer, as a fixed name. The HTTP library's own
/// error text is never shown: it can quote a request's headers (a bearer
/// token among them), so every library error is mapped to one of these.
package enum TransportFailure: Error, Sendable, Equatable, CaseIterable, CustomStringConvertible {
    case connectionRefused
    /// No connection within the connect timeout: a host that drops packets (a firewall, a wrong address).
    case connectTimedOut
    case dnsFailure
    case tlsFailure
    case timedOut
    case connectionClosed
    /// The answer's body was larger than the client accepts.
    case answerTooLarge
    /// Anything else the library reports (still never its text).
    case networkError

    package var description: String {
        switch self {
        case .connectionRefused: "connection refused"
        case .connectTimedOut: "connect timed out"
        case .dnsFailure: "DNS failure"
        case .tlsFailure: "TLS failure"
        case .timedOut: "timed out"
        case .connectionClosed: "connection closed"
        case .answerTooLarge: "answer too large"
        case .networkError: "network error"
        }
    }

    /// The endpoint cannot be reached at all: no answer will come however
    /// long the run keeps trying (a wrong URL, a dead or firewalled host, a
    /// broken certificate).
    package var meansUnreachable: Bool {
        switch self {
        case .connectionRefused, .connectTimedOut, .dnsFailure, .tlsFailure: true
        case .timedOut, .connectionClosed, .answerTooLarge, .networkError: false
        }
    }

    /// Maps an error from AsyncHTTPClient or SwiftNIO to its fixed name.
    package init(_ error: any Error) {
        switch error {
        case let failure as TransportFailure:
            self = failure
        case let connection as NIOConnectionError:
            if let refused = connection.connectionErrors.first {
                self = TransportFailure(refused.error)
            } else if connection.dnsAError != nil || connection.dnsAAAAError != nil {
                self = .dnsFailure
            } else {
                self = .networkError
            }
        case let io as IOError:
            switch io.errnoCode {
            case ECONNREFUSED: self = .connectionRefused
            case ETIMEDOUT: self = .timedOut
            case ECONNRESET, EPIPE: self = .connectionClosed
            default: self = .networkError
            }
        case is NIOSSLError, is BoringSSLError, is NIOSSLExtraError:
            self = .tlsFailure
        case is SocketAddressError, is SocketAddressError.UnknownHost:
            self = .dnsFailure
        case let channel as ChannelError:
            switch channel {
            case .connectTimeout: self = .connectTimedOut
            case .eof, .ioOnClosedChannel, .alreadyClosed, .inputClosed, .outputClosed: self = .connectionClosed
            default: self = .networkError
            }
        case let client as HTTPClientError:
            switch client {
            case .connectTimeout:
                self = .connectTimedOut
            case .readTimeout, .writeTimeout, .deadlineExceeded, .getConnectionFromPoolTimeout:
                self = .timedOut
            case .tlsHandshakeTimeout:
                self = .tlsFailure
            case .remoteConnectionClosed, .bodyLengthMismatch, .uncleanShutdown:
                self = .connectionClosed
            default:
                self = .networkError
            }
        case is NIOTooManyBytesError:
            self = .answerTooLarge
        default:
            self = .networkError
        }
    }
}
