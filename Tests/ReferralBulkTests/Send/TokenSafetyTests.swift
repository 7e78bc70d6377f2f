import Foundation
import Synchronization
import Testing

@testable import ReferralModel
@testable import ReferralPlan
@testable import ReferralSend

/// Tokens that cannot go into a header are refused in our words, before a
/// library can quote them; fetched tokens are fetched once for everyone.
@Suite struct TokenSafetyTests {
    @Test(arguments: ["s3cr\nsecond-line", "s3cr et", "s3cr\u{0}et", "s3cr\u{7F}", "s3crø", "\n\t "])
    func aTokenWithWhitespaceOrControlCharactersInsideIsRefused(text: String) {
        do {
            _ = try BearerToken.parse(text, from: "the token file t")
            Issue.record("accepted")
        } catch {
            #expect(error.description.hasPrefix("the token file t holds"))
            #expect(!error.description.contains("s3cr"))
        }
    }

    @Test func surroundingWhitespaceIsTrimmed() throws {
        #expect(try BearerToken.parse("  eyJ.abc-_~+/=\r\n", from: "x") == Secret("eyJ.abc-_~+/="))
    }

    @Test func noTokenConfiguredIsRefusedBeforeStartNamingEveryWayToGiveOne() async {
        do {
            try await EnvironmentTokenProvider(name: "PARTNER_CENTER_TOKEN", environment: [:]).checkBeforeStart()
            Issue.record("accepted")
        } catch {
            for option in ["PARTNER_CENTER_TOKEN", "--token-file", "--token-command", "--sandbox"] {
                #expect(error.description.contains(option), "\(option)")
            }
        }
    }

    @Test func aTokenFileWithASecondLineIsRefusedBeforeStart() async throws {
        let path = try Fixtures.temporaryFile("first-half\nsecond-half\n", name: "token")
        await #expect(throws: TokenError.self) { try await FileTokenProvider(path: path).checkBeforeStart() }
        let good = try Fixtures.temporaryFile("one-line\n", name: "token")
        try await FileTokenProvider(path: good).checkBeforeStart()
    }

    @Test func aCommandPrintingTwoLinesIsRefusedWithoutShowingThem() async {
        do {
            _ = try await CommandTokenProvider(command: "printf 'abc\\ndef\\n'").token()
            Issue.record("accepted")
        } catch {
            #expect("\(error)".hasPrefix("the token command's output holds a token with a line break"))
            #expect(!"\(error)".contains("abc"))
        }
    }

    @Test func aCommandThatHangsIsStoppedAfterItsTimeout() async {
        let started = ContinuousClock.now
        await #expect(throws: TokenError.commandTimedOut(after: .seconds(1))) {
            try await CommandTokenProvider(command: "exec sleep 120", timeout: .seconds(1)).token()
        }
        #expect(ContinuousClock.now - started < .seconds(60))
    }

    @Test func tokenErrorsSayWhatWentWrongInOneSentence() {
        #expect(TokenError.commandTimedOut(after: .seconds(1)).description == "the token command did not finish within 1 s")
        #expect(TokenError.commandOutputTooLong(limit: 64 * 1024).description == "the token command printed more than 64 kB")
        #expect(TokenError.grantRefused(grant: "refresh_token", httpStatus: 400).description == "the token endpoint refused the refresh_token grant (HTTP 400)")
        #expect(TokenError.endpointUnreachable(.timedOut).description.hasPrefix("the token endpoint did not answer ("))
    }

    @Test func aCommandPrintingTooMuchIsRefused() async {
        await #expect(throws: TokenError.commandOutputTooLong(limit: 64 * 1024)) {
            try await CommandTokenProvider(command: "head -c 200000 /dev/zero | tr '\\0' a").token()
        }
    }

    @Test func oneCommandRunServesEveryWorker() async throws {
        let folder = try Fixtures.temporaryFile("", name: "runs")
        let provider = CommandTokenProvider(command: "echo run >> '\(folder)'; sleep 0.3; echo shared-token")
        let tokens = try await withThrowingTaskGroup(of: Secret.self) { group in
            for _ in 0..<8 { group.addTask { try await provider.token() } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(tokens.count == 8 && tokens.allSatisfy { $0 == Secret("shared-token") })
        #expect(try String(contentsOfFile: folder, encoding: .utf8) == "run\n")
    }

    @Test func aTokenRejectedRightAfterIssueIsRenewedOnceForEveryWorker() async throws {
        let fetches = Mutex(0)
        let renewal = TokenRenewal { _ in
            let count = fetches.withLock { $0 += 1; return $0 }
            try await Task.sleep(for: .milliseconds(100))
            return .init(token: Secret("t\(count)"), renewAt: nil)
        }
        let first = try await renewal.token()
        #expect(first == Secret("t1"))
        // Eight workers get a 401 for the token just issued: one refresh between them.
        let renewed = try await withThrowingTaskGroup(of: Secret.self) { group in
            for _ in 0..<8 { group.addTask { try await renewal.rejected(first) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(renewed.count == 8 && renewed.allSatisfy { $0 == Secret("t2") })
        #expect(fetches.withLock { $0 } == 2)
        // A worker whose 401 comes back late, for the old token, gets the new one without a fetch.
        #expect(try await renewal.rejected(first) == Secret("t2"))
        #expect(fetches.withLock { $0 } == 2)
    }
}
