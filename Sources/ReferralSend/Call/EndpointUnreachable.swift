import ReferralModel

/// Why the endpoint counts as unreachable (`EndpointHealth`'s verdict, with
/// the endpoint's origin for the sentence).
package enum EndpointUnreachable: Sendable, Equatable, CustomStringConvertible {
    /// Attempts in a row got no connection at all.
    case noConnection(origin: String, TransportFailure)
    /// Only a gateway answered, with `status`, for `span`: the API behind it is down.
    case gatewayDown(origin: String, status: Int, span: Duration)

    package var description: String {
        switch self {
        case .noConnection(let origin, let failure): "cannot reach \(origin): \(failure)"
        case .gatewayDown(let origin, let status, let span):
            "a gateway in front of \(origin) answered every call with \(status) for \(DurationText.seconds(span)) "
                + "and the API behind it never answered: it is down or cannot be reached from the gateway"
        }
    }
}
