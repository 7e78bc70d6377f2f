import AsyncHTTPClient
import Glibc
import NIOCore
import NIOSSL
import Testing

@testable import ReferralSend

@Suite struct TransportFailureTests {
    @Test func libraryErrorsMapToFixedNames() {
        #expect(TransportFailure(IOError(errnoCode: ECONNREFUSED, reason: "connect")) == .connectionRefused)
        #expect(TransportFailure(IOError(errnoCode: ECONNRESET, reason: "read")) == .connectionClosed)
        #expect(TransportFailure(HTTPClientError.deadlineExceeded) == .timedOut)
        #expect(TransportFailure(HTTPClientError.connectTimeout) == .connectTimedOut)
        #expect(TransportFailure(ChannelError.connectTimeout(.seconds(3))) == .connectTimedOut)
        #expect(TransportFailure(HTTPClientError.remoteConnectionClosed) == .connectionClosed)
        #expect(TransportFailure(HTTPClientError.invalidHeaderFieldValues(["Bearer secret\nline"])) == .networkError)
        #expect(TransportFailure(NIOSSLError.handshakeFailed(.sslError([]))) == .tlsFailure)
        #expect(TransportFailure(SocketAddressError.failedToParseIPString("x")) == .dnsFailure)
        #expect(TransportFailure(NIOTooManyBytesError(maxBytes: 8)) == .answerTooLarge)
    }

    @Test func onlyRefusedUnconnectableDNSAndTLSMeanUnreachable() {
        #expect(TransportFailure.allCases.filter(\.meansUnreachable) == [.connectionRefused, .connectTimedOut, .dnsFailure, .tlsFailure])
    }

    @Test func serverTextIsEscapedAndCapped() {
        #expect(ServerText.clean("a\u{0}b\u{7F}c\u{85}d") == #"a\u{0}b\u{7f}c\u{85}d"#)
        #expect(ServerText.clean(String(repeating: "é", count: 10), limit: 4) == "éééé…")
    }
}

@Suite struct EndpointHealthTests {
    @Test func threeUnreachableAttemptsInARowAbort() {
        var health = EndpointHealth(threshold: 3)
        #expect(health.attemptFailed(.connectionRefused) == .keepGoing)
        #expect(health.attemptFailed(.timedOut) == .keepGoing)  // not a sign of a wrong URL
        #expect(health.attemptFailed(.dnsFailure) == .keepGoing)
        #expect(health.attemptFailed(.dnsFailure) == .unreachable(.dnsFailure))
    }

    @Test func anyAnswerResetsTheCount() {
        var health = EndpointHealth(threshold: 2)
        #expect(health.attemptFailed(.connectionRefused) == .keepGoing)
        health.answered(status: 503)
        #expect(health.attemptFailed(.connectionRefused) == .keepGoing)
        #expect(health.tokenRejectedAfterRefresh() == .keepGoing)
        health.answered(status: 401)  // a 401 does not say the tokens are fine
        #expect(health.tokenRejectedAfterRefresh() == .everyTokenRejected)
    }
}

@Suite struct StopSignalTests {
    @Test func aStopEndsEveryWaitAtOnce() async throws {
        let stop = StopSignal()
        let started = ContinuousClock.now
        let waits = (0..<2).map { _ in Task { try await stop.interrupting { try await Task.sleep(for: .seconds(3600)) } } }
        try await Task.sleep(for: .milliseconds(50))
        stop.stop(.interrupted(signal: 2))
        for wait in waits { await #expect(throws: CancellationError.self) { try await wait.value } }
        #expect(ContinuousClock.now - started < .seconds(60))
        #expect(stop.reason == .interrupted(signal: 2))
    }

    @Test func aWaitThatEndsFirstIsNotInterrupted() async throws {
        let stop = StopSignal()
        try await stop.interrupting { try await Task.sleep(for: .milliseconds(1)) }
        #expect(stop.reason == nil)
    }
}
