import Foundation
import Glibc
import ReferralInput
import ReferralModel
import SystemPackage

/// Keeps the sandbox's identity platform across processes, so that
/// `login --sandbox` and a later `apply --sandbox` (each with an embedded
/// sandbox of its own, on another port) play one identity platform: the
/// tokens issued and not yet expired, the refresh tokens not yet spent, and
/// how many were issued. One JSON object, replaced atomically after every
/// change (`AtomicFile`), `0600` beside the sandbox's referrals in the state
/// dir. Instants are stored as milliseconds since 1970 and read back against
/// the registry's clock, so a test's clock that runs days ahead still agrees.
struct IdentityStateFile: Sendable {
    /// What the registry holds beyond its seed.
    struct Snapshot: Sendable {
        var grants: [String: TokenRegistry.Grant]
        var refresh: [String: TokenRegistry.RefreshGrant]
        var issued: Int
    }

    struct WriteFailure: Error, CustomStringConvertible {
        var path: String
        var errno: Errno
        var description: String { "cannot keep the sandbox's sign-ins in \(path): \(errno)" }
    }

    let path: String
    /// The wall clock, in milliseconds since 1970, that the stored instants are written against (a test's moves days).
    let wallClock: @Sendable () -> Int64

    init(path: String, wallClock: @escaping @Sendable () -> Int64 = IdentityStateFile.realTime) {
        self.path = path
        self.wallClock = wallClock
    }

    /// The snapshot on file; nil when there is none or it cannot be read (a rehearsal then starts signed out).
    func read(now: ContinuousClock.Instant) -> Snapshot? {
        guard let data = try? Data(contentsOf: URL(fileURLWithPath: path)), let json = try? JSONParser.parse(data) else { return nil }
        let wall = wallClock()
        func instant(_ value: JSONValue?) -> ContinuousClock.Instant? {
            guard case .number(let number)? = value else { return nil }
            return now + .milliseconds(NSDecimalNumber(decimal: number).int64Value - wall)
        }
        var snapshot = Snapshot(grants: [:], refresh: [:], issued: 0)
        for (token, grant) in json["grants"]?.objectValue ?? [:] {
            guard let role = grant["role"]?.stringValue.flatMap(SandboxRole.init(rawValue:)), let expires = instant(grant["expires"]) else { continue }
            snapshot.grants[token] = .init(role: role, expires: expires, mfa: grant["mfa"] == .bool(true))
        }
        for (token, grant) in json["refresh"]?.objectValue ?? [:] {
            guard let role = grant["role"]?.stringValue.flatMap(SandboxRole.init(rawValue:)), let issued = instant(grant["issued"]) else { continue }
            snapshot.refresh[token] = .init(role: role, mfa: grant["mfa"] == .bool(true), issued: issued)
        }
        if case .number(let count)? = json["issued"] { snapshot.issued = NSDecimalNumber(decimal: count).intValue }
        return snapshot
    }

    /// Replaces the file with `snapshot` (ready-made tokens, which never expire, come from the seed and are left out).
    func write(_ snapshot: Snapshot, now: ContinuousClock.Instant) throws(WriteFailure) {
        let wall = wallClock()
        func milliseconds(_ instant: ContinuousClock.Instant) -> JSONValue {
            let offset = now.duration(to: instant).components
            return .number(Decimal(wall + offset.seconds * 1000 + offset.attoseconds / 1_000_000_000_000_000))
        }
        var grants: JSONObject = [:]
        for (token, grant) in snapshot.grants {
            guard let expires = grant.expires else { continue }
            grants[token] = ["role": .string(grant.role.rawValue), "mfa": .bool(grant.mfa), "expires": milliseconds(expires)]
        }
        var refresh: JSONObject = [:]
        for (token, grant) in snapshot.refresh {
            refresh[token] = ["role": .string(grant.role.rawValue), "mfa": .bool(grant.mfa), "issued": milliseconds(grant.issued)]
        }
        let json: JSONValue = ["version": 1, "issued": .number(Decimal(snapshot.issued)), "grants": .object(grants), "refresh": .object(refresh)]
        do {
            try AtomicFile.replace(path, with: JSONWriter.bytes(json) + [0x0A])
        } catch {
            throw WriteFailure(path: path, errno: error)
        }
    }

    static func realTime() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
    }
}
