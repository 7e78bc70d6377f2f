import Foundation
import ReferralModel
import Subprocess
import SystemPackage

/// A token printed by a command (`--token-command`, run with `/bin/sh -c`):
/// either the bare token, or OAuth-style JSON `{"access_token", "expires_in"}`.
/// Run again when the token is near expiry or rejected; one run at a time,
/// shared by every worker that needs a token, off the cooperative pool's
/// threads, killed after `timeout`, its output capped.
package final class CommandTokenProvider: TokenProvider {
    package let command: String
    package let timeout: Duration
    private let renewal: TokenRenewal
    /// Renew this long before the stated expiry.
    static let margin: Duration = .seconds(60)
    /// A token, even a JWT, is a few kB; more is not a token.
    static let outputLimit = 64 * 1024

    package init(command: String, timeout: Duration = .seconds(30)) {
        self.command = command
        self.timeout = timeout
        renewal = TokenRenewal { [command, timeout] _ in try await Self.run(command, timeout: timeout) }
    }

    package func token() async throws -> Secret { try await renewal.token() }

    package func tokenRejected(_ rejected: Secret) async throws -> Secret { try await renewal.rejected(rejected) }

    private static func run(_ command: String, timeout: Duration) async throws -> TokenRenewal.Fetched {
        let output: String
        do {
            output = try await withThrowingTaskGroup(of: String?.self) { group in
                group.addTask {
                    let result = try await Subprocess.run(
                        .path("/bin/sh"), arguments: ["-c", command], output: .string(limit: outputLimit), error: .discarded)
                    // The output is never shown: it may hold the token even when the command fails.
                    guard case .exited(0) = result.terminationStatus else {
                        throw Self.failure(result.terminationStatus)
                    }
                    return result.standardOutput
                }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    return nil
                }
                defer { group.cancelAll() }
                guard let output = try await group.next() ?? nil else {
                    throw TokenError.commandTimedOut(after: timeout)
                }
                return output
            }
        } catch let error as TokenError {
            throw error
        } catch let error as SubprocessError where error.code == .outputLimitExceeded {
            throw TokenError.commandOutputTooLong(limit: outputLimit)
        } catch {
            throw TokenError.commandNotRun
        }
        return try parse(output)
    }

    /// The bare token, or the `access_token` of a JSON answer with its expiry.
    static func parse(_ output: String) throws(TokenError) -> TokenRenewal.Fetched {
        let text = output.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.hasPrefix("{"), let json = try? JSONParser.parse(text), let access = json["access_token"]?.stringValue {
            let token = try BearerToken.parse(access, from: "the token command's access_token")
            return .init(token: token, renewAt: TokenRenewal.lifetime(json["expires_in"]).map { .now + $0 - margin })
        }
        return .init(token: try BearerToken.parse(text, from: "the token command's output"), renewAt: nil)
    }

    static func failure(_ status: TerminationStatus) -> TokenError {
        switch status {
        case .exited(let code): .commandExited(status: Int32(code))
        case .signaled(let signal): .commandKilled(signal: Int32(signal))
        }
    }
}
