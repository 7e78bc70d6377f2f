// `struct stat` and `flock`'s constants are owned by Foundation's C modules on
// Linux (MemberImportVisibility asks for them by the module that defines them).
import CDispatch
import CoreFoundation
import Crypto
import Foundation
import Glibc
import ReferralInput
import ReferralModel
import SystemPackage

/// Where one profile's `TokenCache` lives and how it is read and written:
/// `$XDG_CONFIG_HOME/referral-bulk/<profile>.json` (`~/.config/...`) or
/// `--token-cache PATH`; the folder `0700`, the file `0600`, and a file
/// others can read or write is refused, as ssh refuses such a key. Writes
/// are atomic (a temporary file beside it, fsync, rename, fsync of the
/// folder): a process killed mid-write leaves the old cache or the new one.
/// `locked` holds an exclusive `flock` on `<file>.lock` while a refresh
/// rotates the refresh token, so concurrent refreshes (shards, two
/// commands, tasks of one process) end with one rotation, never a lost one.
package struct TokenCacheFile: Sendable, Equatable {
    package let path: String
    package let profile: String
    /// The command that fills this cache, for the sentences that ask a person to sign in.
    package let loginCommand: String

    package static let defaultProfile = "default"

    package init(path: String, profile: String, loginCommand: String? = nil) {
        self.path = path
        self.profile = profile
        self.loginCommand = loginCommand ?? "referral-bulk login --profile \(profile)"
    }

    /// The cache of `profile`, at `explicitPath` when given.
    package init(profile: String = defaultProfile, explicitPath: String? = nil, loginCommand: String? = nil, environment: [String: String]) {
        if let explicitPath {
            self.init(path: explicitPath, profile: profile, loginCommand: loginCommand)
        } else {
            let config = environment["XDG_CONFIG_HOME"].flatMap { $0.hasPrefix("/") ? $0 : nil }
                ?? "\(environment["HOME"] ?? NSHomeDirectory())/.config"
            self.init(path: "\(config)/referral-bulk/\(profile).json", profile: profile, loginCommand: loginCommand)
        }
    }

    var folder: String { (path as NSString).deletingLastPathComponent }
    var lockPath: String { path + ".lock" }

    /// The cache on file; nil when there is none. Refused when others may read it.
    package func read() throws(TokenError) -> TokenCache? {
        var status = stat()
        guard stat(path, &status) == 0 else {
            if errno == ENOENT { return nil }
            throw .cacheUnusable(path: path, reason: String(cString: strerror(errno)))
        }
        let mode = status.st_mode & 0o777
        guard mode & 0o077 == 0 else { throw .cacheExposed(path: path, mode: mode) }
        guard status.st_uid == geteuid() else { throw .cacheUnusable(path: path, reason: "it belongs to another user") }
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw .cacheUnusable(path: path, reason: "it cannot be read")
        }
        guard let json = try? JSONParser.parse(data), let cache = TokenCache(json: json) else {
            throw .cacheUnusable(path: path, reason: "it is not a token cache")
        }
        return cache
    }

    /// Replaces the cache on file with `cache`, durably, before returning.
    package func write(_ cache: TokenCache) throws(TokenError) {
        try makeFolder()
        let bytes = Array(JSONWriter.string(cache.json).utf8) + [0x0A]
        do {
            try AtomicFile.replace(path, with: bytes)
        } catch {
            throw .cacheUnusable(path: path, reason: "it cannot be written (\(error))")
        }
    }

    /// Deletes the cache (`logout`); true when there was one.
    package func delete() throws(TokenError) -> Bool {
        guard unlink(path) == 0 else {
            if errno == ENOENT { return false }
            throw .cacheUnusable(path: path, reason: String(cString: strerror(errno)))
        }
        unlink(lockPath)
        return true
    }

    /// Runs `body` holding the cache's lock. Waits for another holder by
    /// polling (`LOCK_NB` every 20 ms, at most `limit`), so no thread of the
    /// cooperative pool blocks in the kernel while the holder needs one.
    package func locked<T: Sendable>(
        limit: Duration = .seconds(120), _ body: () async throws -> T
    ) async throws -> T {
        try makeFolder()
        let descriptor: FileDescriptor
        do {
            descriptor = try FileDescriptor.open(
                FilePath(lockPath), .readWrite, options: [.create, .closeOnExec], permissions: [.ownerReadWrite])
        } catch {
            throw TokenError.cacheUnusable(path: lockPath, reason: "it cannot be opened (\(error))")
        }
        defer { try? descriptor.close() }
        let deadline = ContinuousClock.now + limit
        while flock(descriptor.rawValue, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR else {
                throw TokenError.cacheUnusable(path: lockPath, reason: String(cString: strerror(errno)))
            }
            guard ContinuousClock.now < deadline else { throw TokenError.cacheLockTimedOut(path: lockPath) }
            try await Task.sleep(for: .milliseconds(20))
        }
        return try await body()
    }

    private func makeFolder() throws(TokenError) {
        // Only the last component is created 0700; a missing ~/.config is created too (0700, as XDG asks).
        let parent = (folder as NSString).deletingLastPathComponent
        if access(parent, F_OK) != 0 { mkdir(parent, 0o700) }
        if mkdir(folder, 0o700) != 0, errno != EEXIST {
            throw .cacheUnusable(path: folder, reason: String(cString: strerror(errno)))
        }
    }

    /// SHA-256 of a refresh token, hex: what a cache remembers of the environment's seed.
    package static func hash(_ token: Secret) -> String {
        SHA256.hash(data: Array(token.revealed.utf8)).map { byte in (byte < 16 ? "0" : "") + String(byte, radix: 16) }.joined()
    }
}
