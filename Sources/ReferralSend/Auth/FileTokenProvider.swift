import Foundation
import Synchronization

/// A token from a file (`--token-file`), re-read whenever the file changes,
/// so another job can rotate it during a long run.
final class FileTokenProvider: TokenProvider {
    let path: String
    private let cache = Mutex<(stamp: String, token: Secret)?>(nil)

    init(path: String) { self.path = path }

    func token() async throws(TokenError) -> Secret {
        let stamp = try fileStamp()
        if let cached = cache.withLock({ $0 }), cached.stamp == stamp { return cached.token }
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw .unreadableFile(path: path)
        }
        let token = try BearerToken.parse(text, from: "the token file \(path)")
        cache.withLock { $0 = (stamp, token) }
        return token
    }

    func checkBeforeStart() async throws(TokenError) {
        _ = try await token()
    }

    func tokenRejected(_ rejected: Secret) async throws -> Secret {
        let current = try await token()
        guard current != rejected else { throw TokenError.rejectedFileUnchanged(path: path) }
        return current
    }

    /// Modification time and size: a rewrite of the file changes one of them.
    private func fileStamp() throws(TokenError) -> String {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else {
            throw .unreadableFile(path: path)
        }
        let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        return "\(modified)/\(attributes[.size] ?? 0)"
    }
}
