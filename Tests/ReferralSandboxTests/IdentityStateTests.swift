import Foundation
import Testing

@testable import ReferralSandbox

/// The sandbox's identity platform outlives its process when it has a state
/// file: what one registry issued, the next (another process, another port)
/// honours, and a refresh token spent by one is spent for all.
@Suite struct IdentityStateTests {
    static func withStateFile<T>(_ body: (IdentityStateFile) throws -> T) throws -> T {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sandbox-identity-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        return try body(IdentityStateFile(path: folder.appendingPathComponent("sandbox-identity.json").path))
    }

    @Test func aSecondRegistryHonoursWhatTheFirstIssuedAndSpent() throws {
        try Self.withStateFile { file in
            let first = TokenRegistry(seed: 1, lifetime: .seconds(3600), stateFile: file)
            let signIn = try first.issue(role: .referralAdmin, mfa: true)
            let withoutMFA = try first.issue(role: .referralAdmin, mfa: false)
            guard case .success(let renewed) = try first.refresh(signIn.refreshToken) else {
                Issue.record("the first refresh was refused")
                return
            }

            let second = TokenRegistry(seed: 1, lifetime: .seconds(3600), stateFile: file)
            #expect(second.grant(for: renewed.accessToken)?.mfa == true)
            #expect(second.grant(for: withoutMFA.accessToken)?.mfa == false)
            #expect(second.issuedCount == 3)
            #expect(try second.refresh(signIn.refreshToken) == .failure(.unknownOrSpent), "spent in the first process")
            guard case .success(let next) = try second.refresh(renewed.refreshToken) else {
                Issue.record("the rotated refresh token was refused by the second registry")
                return
            }
            #expect(![signIn.accessToken, withoutMFA.accessToken, renewed.accessToken].contains(next.accessToken), "no token is issued twice")
            #expect(second.role(for: second.readyMade[.referralAdmin]!) == .referralAdmin, "ready-made tokens still come from the seed")
        }
    }

    @Test func theLapseIsCountedAcrossProcessesAndAnUnreadableFileStartsSignedOut() throws {
        try Self.withStateFile { file in
            let first = TokenRegistry(seed: 1, lifetime: .seconds(3600), refreshLifetime: .seconds(86_400), stateFile: file)
            let issued = try first.issue(role: .referralAdmin, mfa: true)
            // Two days later, in another process (whose monotonic clock started anew): the refresh token lapsed while nobody ran.
            let twoDaysLater = IdentityStateFile(path: file.path) { IdentityStateFile.realTime() + 2 * 86_400_000 }
            let later = TokenRegistry(seed: 1, lifetime: .seconds(3600), refreshLifetime: .seconds(86_400), stateFile: twoDaysLater)
            #expect(later.grant(for: issued.accessToken) == nil, "the access token expired too")
            #expect(try later.refresh(issued.refreshToken) == .failure(.lapsed))

            try Data("{not json".utf8).write(to: URL(fileURLWithPath: file.path))
            let fresh = TokenRegistry(seed: 1, lifetime: .seconds(3600), stateFile: file)
            #expect(fresh.issuedCount == 0)
        }
    }
}
