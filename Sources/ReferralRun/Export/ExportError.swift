import ReferralModel

/// Why an export did not finish, and the exit code it stands for.
public enum ExportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `--columns` names nothing usable.
    case badColumns(String)
    /// The output file could not be created or written.
    case output(String)
    /// The API refused the request (a `400`: e.g. a filter it does not support).
    case refused(status: Int, message: String)
    /// A next link that leaves the endpoint: the token is never sent elsewhere.
    case foreignNextLink(String)
    /// An answer that is not a page (no `value` array).
    case notAPage(String)
    /// No usable token, or the token was refused (401 after a refresh, 403).
    case credentialsRejected(String)
    /// The API kept failing (retries exhausted) or answered an error other than 400.
    case apiFailed(String)
    /// Interrupted (a signal): nothing complete was written.
    case interrupted

    public var exitStatus: ExitStatus {
        switch self {
        case .badColumns, .output, .refused, .foreignNextLink: .unusable
        case .notAPage, .credentialsRejected, .apiFailed, .interrupted: .aborted
        }
    }

    public var description: String {
        switch self {
        case .badColumns(let detail): "--columns: \(detail)."
        case .output(let detail): detail
        case .refused(_, let message): "the API refused the export: \(message)"
        case .foreignNextLink(let link): "the API's next link leaves the endpoint (\(link.prefix(120))); the token is not sent there"
        case .notAPage(let detail): "the API's answer is not a page of referrals: \(detail)"
        case .credentialsRejected(let detail): "credentials rejected: \(detail)"
        case .apiFailed(let detail): "the API kept failing: \(detail)"
        case .interrupted: "interrupted"
        }
    }
}
