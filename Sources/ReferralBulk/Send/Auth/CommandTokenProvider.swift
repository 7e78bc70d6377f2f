import Foundation
import Synchronization

/// A token printed by a command (`--token-command`, run with `/bin/sh -c`):
/// either the bare token, or OAuth-style JSON `{"access_token", "expires_in"}`.
/// Run again when the token is near expiry or rejected.
public final class CommandTokenProvider: TokenProvider {
    public let command: String
    private let cache = Mutex<(token: Secret, expires: ContinuousClock.Instant?)?>(nil)
    /// Renew this long before the stated expiry.
    static let margin: Duration = .seconds(60)

    public init(command: String) { self.command = command }

    public func token() async throws -> Secret {
        if let cached = cache.withLock({ $0 }), cached.expires.map({ $0 - Self.margin > .now }) ?? true {
            return cached.token
        }
        return try run()
    }

    public func tokenRejected(_ rejected: Secret) async throws -> Secret {
        let fresh = try run()
        guard fresh != rejected else { throw TokenError("the token command printed the same token that was rejected") }
        return fresh
    }

    private func run() throws -> Secret {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw TokenError("the token command could not be started")
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        // The output is never shown: it may hold the token even when the command fails.
        guard process.terminationStatus == 0 else {
            throw TokenError("the token command exited with status \(process.terminationStatus)")
        }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        var token = text
        var expires: ContinuousClock.Instant?
        if text.hasPrefix("{"), let json = try? JSONParser.parse(text), let access = json["access_token"]?.stringValue {
            token = access
            if case .number(let seconds)? = json["expires_in"] {
                expires = .now + .seconds(NSDecimalNumber(decimal: seconds).int64Value)
            }
        }
        guard !token.isEmpty else { throw TokenError("the token command printed no token") }
        cache.withLock { $0 = (Secret(token), expires) }
        return Secret(token)
    }
}
