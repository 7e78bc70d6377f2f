import ReferralInput
import ReferralModel
import ReferralSend

/// Why an export did not finish, and the exit code it stands for.
package enum ExportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `--columns` names nothing usable.
    case badColumns(String)
    /// `-o` names a folder.
    case outputIsFolder(String)
    /// The output file could not be created, written or renamed into place.
    case output(OutputFailure)
    /// The workbook could not be put together.
    case workbook(XLSXSheetWriter.Failure)
    /// The finished workbook's temporary archive could not be read back into the output.
    case workbookUnreadable(CSVFileError)
    /// The API refused the request (a `400`: e.g. a filter it does not support).
    case refused(status: Int, message: String)
    /// A next link that leaves the endpoint: the token is never sent elsewhere.
    case foreignNextLink(String)
    /// An answer that is not a page (no `value` array).
    case notAPage(String)
    /// No usable token.
    case credentialsRejected(CredentialsProblem)
    /// The API refused the token (401 after a refresh, 403), in its words.
    case tokenRefused(status: Int, message: String)
    /// The API kept failing (retries exhausted) or answered an error other than 400.
    case apiFailed(String)
    /// Interrupted (a signal): nothing complete was written.
    case interrupted

    package var exitStatus: ExitStatus {
        switch self {
        case .badColumns, .outputIsFolder, .output, .workbook, .workbookUnreadable, .refused, .foreignNextLink: .unusable
        case .notAPage, .credentialsRejected, .tokenRefused, .apiFailed, .interrupted: .aborted
        }
    }

    /// The failed run's last line: the reason, that `output` was not written,
    /// and to run again when the API, not the command, was at fault.
    package func sentence(output: String?) -> String {
        let nothing = output.map { "; \($0) was not written" } ?? ""
        let again = exitStatus == .aborted ? "; run the same command again" : ""
        return "\(description)\(nothing)\(again)"
    }

    package var description: String {
        switch self {
        case .badColumns(let detail): "--columns: \(detail)."
        case .outputIsFolder(let path): "-o \(path) names a folder, not a file"
        case .output(let failure): failure.description
        case .workbook(let failure): failure.description
        case .workbookUnreadable(let error): "cannot copy the workbook into the output: \(error)"
        case .refused(_, let message): "the API refused the export: \(message)"
        case .foreignNextLink(let link): "the API's next link leaves the endpoint (\(link.prefix(120))); the token is not sent there"
        case .notAPage(let detail): "the API's answer is not a page of referrals: \(detail)"
        case .credentialsRejected(let problem): "credentials rejected: \(problem)"
        case .tokenRefused(_, let message): "credentials rejected: \(message)"
        case .apiFailed(let detail): "the API kept failing: \(detail)"
        case .interrupted: "interrupted"
        }
    }
}
